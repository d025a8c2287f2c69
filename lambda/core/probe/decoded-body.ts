// Reads a response body under the cap, decoding gzip, deflate or br itself and counting DECODED bytes, so a small
// compressed body that inflates to gigabytes stops at the cap. Holds at most the cap plus one chunk, and applies
// backpressure so an unread compressed stream waits in the socket rather than in memory.

import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';

export interface BodyFailure {
  readonly kind: 'body_too_large' | 'invalid_response';
  readonly detail: string;
}

export interface BodyRead {
  /** The decoded body; absent when reading failed. */
  readonly text?: string;
  readonly failure?: BodyFailure;
  /** Decoded bytes seen, up to where reading stopped. */
  readonly decodedBytes: number;
  /** Body bytes received from the socket (compressed, when encoded). */
  readonly wireBytes: number;
  /** The content encoding that was decoded (`gzip`, `deflate`, `br`), when there was one. */
  readonly encoding?: string;
}

export interface BodyReader {
  /** Settles once, with the body or why it was not read. */
  readonly done: Promise<BodyRead>;
  /** Stops reading and frees the decoder (the attempt's deadline passed); `done` settles as cancelled. */
  cancel(): void;
}

const DECODERS: Readonly<Record<string, (firstBytes: Buffer) => Transform>> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  br: () => createBrotliDecompress(),
  // `deflate` is zlib-wrapped by the standard, raw in some servers: the first two bytes say which.
  deflate: (firstBytes) => (isZlibHeader(firstBytes) ? createInflate() : createInflateRaw()),
};

/** Starts reading `response`; at most `cap` bytes on the wire and `cap` bytes decoded. */
export function readDecodedBody(response: IncomingMessage, cap: number): BodyReader {
  const encodings = contentEncodings(response.headers['content-encoding']);
  const encoding = encodings[0];
  let settle!: (read: BodyRead) => void;
  const done = new Promise<BodyRead>((resolve) => {
    settle = resolve;
  });
  const chunks: Buffer[] = [];
  let decodedBytes = 0;
  let wireBytes = 0;
  let decoder: Transform | undefined;
  let held: Buffer | undefined;
  let responseEnded = false;
  let finished = false;

  const finish = (outcome: { text?: string; failure?: BodyFailure }): void => {
    if (finished) return;
    finished = true;
    decoder?.destroy();
    if (!responseEnded || outcome.failure !== undefined) response.destroy();
    if (outcome.text === undefined) chunks.length = 0;
    settle({ ...outcome, decodedBytes, wireBytes, ...(encoding !== undefined ? { encoding } : {}) });
  };
  const fail = (kind: BodyFailure['kind'], detail: string): void => finish({ failure: { kind, detail } });
  const complete = (): void => finish({ text: Buffer.concat(chunks, decodedBytes).toString('utf8') });

  const declared = Number(response.headers['content-length']);
  if (encodings.length > 1) {
    fail('invalid_response', `stacked content encodings "${encodings.join(', ')}" are not decoded; send one encoding`);
    return { done, cancel: () => undefined };
  }
  if (encoding !== undefined && DECODERS[encoding] === undefined) {
    fail('invalid_response', `content encoding "${encoding.slice(0, 40)}" is not supported (gzip, deflate, br are)`);
    return { done, cancel: () => undefined };
  }
  if (Number.isFinite(declared) && declared > cap) {
    fail('body_too_large', `body over ${cap} bytes: content-length ${declared} declared, not read`);
    return { done, cancel: () => undefined };
  }

  const accept = (chunk: Buffer): void => {
    if (finished) return;
    decodedBytes += chunk.length;
    if (decodedBytes > cap) {
      const detail =
        encoding === undefined
          ? `body over ${cap} bytes: stopped after ${decodedBytes}`
          : `body over ${cap} bytes decoded (${encoding}): stopped after ${decodedBytes} decoded from ${wireBytes} received`;
      fail('body_too_large', detail);
      return;
    }
    chunks.push(chunk);
  };
  const startDecoder = (firstBytes: Buffer): Transform => {
    const started = DECODERS[encoding!]!(firstBytes);
    started.on('data', accept);
    started.on('end', complete);
    started.on('error', (error: Error) => {
      const truncated = /unexpected end of file/i.test(error.message);
      fail('invalid_response', `${encoding} body ${truncated ? 'is truncated' : 'does not decode'}: ${error.message}`);
    });
    return started;
  };
  const decode = (chunk: Buffer): void => {
    if (decoder === undefined) {
      held = held === undefined ? chunk : Buffer.concat([held, chunk]);
      if (held.length < 2 && !responseEnded) return;
      decoder = startDecoder(held);
      chunk = held;
      held = undefined;
    }
    // Backpressure: the socket waits while the decoder is busy, so compressed input never piles up here.
    if (!decoder.write(chunk)) {
      response.pause();
      decoder.once('drain', () => response.resume());
    }
  };

  response.on('data', (chunk: Buffer) => {
    if (finished) return;
    wireBytes += chunk.length;
    if (encoding === undefined) {
      accept(chunk);
    } else if (wireBytes > cap) {
      fail('body_too_large', `body over ${cap} bytes received (${encoding}): stopped after ${wireBytes}`);
    } else {
      decode(chunk);
    }
  });
  response.on('end', () => {
    responseEnded = true;
    if (encoding === undefined) {
      complete();
      return;
    }
    if (held !== undefined) decode(Buffer.alloc(0));
    if (decoder === undefined) complete();
    else decoder.end();
  });
  // A socket closed before the body's declared end (or before its last chunk) leaves an incomplete message.
  response.on('close', () => {
    if (responseEnded || finished) return;
    const expected = Number.isFinite(declared) ? ` of ${declared} declared` : '';
    fail('invalid_response', `truncated body: the connection closed after ${wireBytes}${expected} bytes`);
  });
  response.on('error', () => undefined);

  return { done, cancel: () => fail('invalid_response', 'cancelled') };
}

/** The encodings named by Content-Encoding, in order, without `identity`. */
function contentEncodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '' && token !== 'identity');
}

/** RFC 1950: compression method 8 in the low nibble, and the two header bytes a multiple of 31. */
function isZlibHeader(bytes: Buffer): boolean {
  if (bytes.length < 2) return false;
  return (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
}
