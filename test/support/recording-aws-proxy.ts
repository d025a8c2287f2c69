// A pass-through in front of moto_server that keeps every request it forwards: for tests whose code runs in another
// process (no SDK spy reaches it) and needs an AWS request checked as it went over the wire, such as an SSM
// SendCommand's instance list, which moto does not store as sent (it adds every instance in the region).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { RouteHandler } from './loopback-server.ts';

/** One forwarded request: its JSON-protocol action (`X-Amz-Target`, e.g. `AmazonSSM.SendCommand`) and its body. */
export interface RecordedAwsRequest {
  readonly target: string | undefined;
  readonly body: string;
}

export interface RecordingAwsProxy {
  /** Serve this (startLoopbackServer) and point the client at it, e.g. with AWS_ENDPOINT_URL_SSM. */
  readonly route: RouteHandler;
  readonly requests: readonly RecordedAwsRequest[];
  /** The parsed bodies of the requests with this `X-Amz-Target`, in the order they arrived. */
  jsonBodiesOf(target: string): unknown[];
}

/** Forwards each request unchanged to `upstream` (moto, which does not check signatures) and returns its answer. */
export function recordingAwsProxy(upstream: string): RecordingAwsProxy {
  const requests: RecordedAwsRequest[] = [];
  const upstreamUrl = new URL(upstream);
  const route: RouteHandler = async (request, response) => {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    requests.push({ target: Array.isArray(target) ? target[0] : target, body: body.toString('utf8') });
    await new Promise<void>((resolve, reject) => {
      const forwarded = httpRequest(
        new URL(request.url ?? '/', upstreamUrl),
        { method: request.method, headers: { ...request.headers, host: upstreamUrl.host } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      forwarded.on('error', reject);
      forwarded.end(body);
    });
  };
  return {
    route,
    requests,
    jsonBodiesOf: (target) =>
      requests.filter((recorded) => recorded.target === target).map((recorded) => JSON.parse(recorded.body) as unknown),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
