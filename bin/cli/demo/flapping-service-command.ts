// `rollgate demo flapping-service`: a small local service to try `rollgate monitor` on. Each request to /health gets
// the next answer of its script (healthy 200 or down 503, naming its version), and once the script is done it stays
// healthy: by default a flap (one failure, which no threshold counts), an outage of four runs, then a recovery, so a
// monitor with the default thresholds alerts exactly one MonitorDown and one MonitorRecovered. It serves until SIGINT
// or SIGTERM.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, ConfigErrors } from '../../../lambda/core/errors.ts';
import { EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { createStopSignal, type StopSignal } from '../stop-signal.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';

/** Two healthy runs (the monitor comes up), a flap, four failing runs (down on the third), two healthy (recovered). */
export const DEFAULT_FLAPPING_SCRIPT = 'up,up,down,up,down,down,down,down,up,up';
const HOST = '127.0.0.1';
const VERSION = '1.4.2';
/** How often the serving loop looks at the stop signal while it waits. */
const IDLE_WAIT_MS = 60_000;

const FLAGS = {
  port: { type: 'string' },
  script: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const FLAPPING_SERVICE_HELP = `Usage: rollgate demo flapping-service [--port N] [--script up,down,...]

Serves http://127.0.0.1:PORT/health for 'rollgate monitor' to watch. Each request gets the next answer of the
script (up: 200 {"status":"ok"}, down: 503 {"status":"down"}, both with "version":"${VERSION}"); after the last
one it stays up. One request per monitor run, so give the monitor "retries": 0. Stops on Ctrl-C (SIGINT) or SIGTERM.

  --port N          the port to listen on (default 0: any free port, printed)
  --script LIST     the answers, comma-separated (default ${DEFAULT_FLAPPING_SCRIPT}):
                    with the default thresholds (3 failing runs to go down, 2 healthy to come back),
                    exactly one MonitorDown and one MonitorRecovered
  -h, --help        this text
`;

type Answer = 'up' | 'down';

export async function runFlappingServiceCommand(
  argv: readonly string[],
  io: CliIo,
  listenForStop: () => StopSignal = createStopSignal,
): Promise<number> {
  let options: { readonly port: number; readonly script: readonly Answer[] };
  try {
    const flags = parseCommandFlags(argv, FLAGS, 'rollgate demo flapping-service');
    if (flags.help === true) {
      io.stdout.write(FLAPPING_SERVICE_HELP);
      return EXIT_PASSED;
    }
    options = { port: portOf(flags.port), script: scriptOf(flags.script) };
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const stop = listenForStop();
  let served = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/health') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /health\n');
      return;
    }
    served += 1;
    const answer = options.script[Math.min(served, options.script.length) - 1] ?? 'up';
    const body = JSON.stringify({ status: answer === 'up' ? 'ok' : 'down', version: VERSION });
    response.writeHead(answer === 'up' ? 200 : 503, { 'content-type': 'application/json' }).end(body);
    io.stdout.write(`request ${served}: ${answer === 'up' ? '200 up' : '503 down'}\n`);
  });
  try {
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(options.port, HOST, () => listening());
    });
  } catch (error) {
    stop.dispose();
    io.stderr.write(`rollgate: cannot listen on ${HOST}:${options.port}: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  const url = `http://${HOST}:${(server.address() as AddressInfo).port}/health`;
  io.stdout.write(
    `Flapping service on ${url}\n` +
      `It answers ${options.script.join(', ')}, then up for good; one answer per request.\n` +
      `Watch it with a monitor that probes once a run (config below), e.g. rollgate monitor --every 2s:\n` +
      `${JSON.stringify({ monitors: [{ name: 'flapping', urls: [url], retries: 0 }] })}\n`,
  );
  try {
    while (!stop.stopped) await stop.wait(IDLE_WAIT_MS);
  } finally {
    stop.dispose();
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
  io.stdout.write(`Stopped after ${served} request(s).\n`);
  return EXIT_PASSED;
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new ConfigError('--port', value, 'must be a port number from 0 (any free port) to 65535');
  }
  return Number(value);
}

function scriptOf(value: string | undefined): Answer[] {
  const answers = (value ?? DEFAULT_FLAPPING_SCRIPT).split(',').map((answer) => answer.trim());
  if (
    answers.length === 0 ||
    answers.length > 1_000 ||
    answers.some((answer) => answer !== 'up' && answer !== 'down')
  ) {
    throw new ConfigError('--script', value, 'must be up to 1000 answers, each up or down, separated by commas');
  }
  return answers as Answer[];
}
