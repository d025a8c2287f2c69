// `rollgate demo` (npm start): two small services on 127.0.0.1, one healthy at v1.4.2 and one answering 503 on the old
// version, and two real gate runs against them: one that passes, one that fails and rolls back. Nothing leaves the
// machine; the rollback is a harmless echo.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { EXIT_FAILED, EXIT_PASSED } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { runGateCommand } from '../gate/gate-command.ts';

const DEPLOYED_VERSION = 'v1.4.2';
const DEMO_ROLLBACK =
  'echo "rolling back: $ROLLGATE_FAILED_URLS (status $ROLLGATE_STATUS, wanted $ROLLGATE_EXPECTED_VERSION)"';

export async function runDemoCommand(argv: readonly string[], cliIo: CliIo): Promise<number> {
  // Alerts go to stdout here so they show up in order, between the runs that raised them.
  const io: CliIo = { ...cliIo, stderr: cliIo.stdout };
  const evidenceDir = argv[0] === '--evidence-dir' && argv[1] ? argv[1] : join('artifacts', 'demo');
  const healthy = await startService((_path) => [200, { status: 'ok', version: DEPLOYED_VERSION }]);
  const broken = await startService((_path) => [503, { status: 'degraded', version: 'v1.4.1' }]);
  const out = (text: string): void => void io.stdout.write(text);
  try {
    out(`Rollgate demo: two services on loopback.\n`);
    out(`  healthy: ${healthy.url}/health answers 200 {"status":"ok","version":"${DEPLOYED_VERSION}"}\n`);
    out(`  broken:  ${broken.url}/health answers 503 {"status":"degraded","version":"v1.4.1"}\n\n`);

    out(`1) Gate over the healthy service, expecting ${DEPLOYED_VERSION}:\n`);
    out(`   $ rollgate gate --url ${healthy.url}/health --expect-version ${DEPLOYED_VERSION}\n\n`);
    const first = await runGateCommand(
      [
        '--url',
        `${healthy.url}/health`,
        '--expect-version',
        DEPLOYED_VERSION,
        '--evidence-dir',
        join(evidenceDir, 'passed'),
      ],
      io,
    );
    out(`   exit code ${first}\n\n`);

    out(`2) Gate over both, with a rollback command:\n`);
    out(`   $ RUNTIME_HEALTH_URLS=${healthy.url}/health,${broken.url}/health \\\n`);
    out(`     RUNTIME_ROLLBACK_COMMAND='${DEMO_ROLLBACK}' \\\n`);
    out(`     rollgate gate --expect-version ${DEPLOYED_VERSION} --retries 1 --backoff-ms 100\n\n`);
    const second = await runGateCommand(
      [
        '--expect-version',
        DEPLOYED_VERSION,
        '--retries',
        '1',
        '--backoff-ms',
        '100',
        '--evidence-dir',
        join(evidenceDir, 'failed'),
      ],
      {
        ...io,
        env: {
          ...io.env,
          RUNTIME_HEALTH_URLS: `${healthy.url}/health,${broken.url}/health`,
          RUNTIME_ROLLBACK_COMMAND: DEMO_ROLLBACK,
        },
      },
    );
    out(`   exit code ${second}: the gate stays failed even though the rollback succeeded.\n\n`);
    out(`Evidence to read: ${relative(io.cwd, join(io.cwd, evidenceDir, 'failed', 'health-gate.json'))}\n`);
    out(`In CI:  source ${join(evidenceDir, 'failed', 'health-gate.env')} && echo "$HEALTH_GATE_STATUS"\n`);
    const shown = first === EXIT_PASSED && second === EXIT_FAILED;
    if (!shown) io.stderr.write(`rollgate demo: expected exit codes 0 then 1, got ${first} then ${second}\n`);
    return shown ? EXIT_PASSED : EXIT_FAILED;
  } finally {
    await Promise.all([healthy.close(), broken.close()]);
  }
}

interface DemoService {
  readonly url: string;
  close(): Promise<void>;
}

async function startService(answer: (path: string) => [number, unknown]): Promise<DemoService> {
  const server: Server = createServer((request, response) => {
    const [status, body] = answer(request.url ?? '/');
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
