// The CLI's leak scenario: `rollgate gate` as a child process, against a service that echoes every credential back,
// with secrets planted in header values from the environment and the config file, URL passwords, `?token=`,
// `?api_key=` and `#access_token=` values, a rejected header value and a rejected ftp URL, and a rollback command
// that prints ROLLGATE_FAILED_URLS, RUNTIME_HEALTH_URLS and the secrets from its environment; once more with a state
// directory, after a passed gate, so the failed one rolls back to a known-good version and remembers it. `rollgate
// evidence show` then reads the gate's evidence back from S3 (moto).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createBucket, motoClients } from '../support/aws-fixtures.ts';
import { startLoopbackServer } from '../support/loopback-server.ts';
import { echoingService } from './echoing-service.ts';
import { expectRun, type CapturedPlace, type LeakScenario } from './leak-scenario.ts';
import { plantSecret } from './planted-secrets.ts';
import { motoEnvironment, spawnRollgate, type RollgateRun, type RollgateRunOptions } from './spawn-rollgate.ts';

export const CLI_SECRETS = {
  urlPassword: plantSecret('URL password of a config target (CLI)', { suffix: '/+', user: 'ops' }),
  queryToken: plantSecret('?token= of a config target (CLI)'),
  fragmentToken: plantSecret('#access_token= of a config target (CLI)'),
  envApiKey: plantSecret('X-Api-Key header from ${API_KEY} (CLI)'),
  envBearer: plantSecret('Authorization header from ${API_TOKEN} (CLI)'),
  literalHeader: plantSecret('literal header value in the config file (CLI)'),
  hopToken: plantSecret('?token= of the redirecting target (CLI)'),
  hopPassword: plantSecret('URL password of a redirecting target (CLI)', { suffix: '/+', user: 'ops' }),
  listPassword: plantSecret('URL password in RUNTIME_HEALTH_URLS', { suffix: '+', user: 'deploy' }),
  listApiKey: plantSecret('?api_key= in RUNTIME_HEALTH_URLS'),
  rejectedHeader: plantSecret('header value the schema rejects (CLI)'),
  ftpPassword: plantSecret('password of a rejected ftp: URL (CLI)', { user: 'ops' }),
};

// Prints what a careless rollback script would: the failed URLs, the configured ones, and its whole environment.
const ROLLBACK_COMMAND = [
  'echo "failed: $ROLLGATE_FAILED_URLS"',
  'echo "configured: $RUNTIME_HEALTH_URLS"',
  'echo "$API_TOKEN $API_KEY"',
  'printf "%s\\n" $(echo "$ROLLGATE_FAILED_URLS" | tr , " ")',
  'env',
].join('; ');

const RUNS = {
  gate: 'rollgate gate --config',
  json: 'rollgate gate --config --json',
  envList: 'rollgate gate --json (RUNTIME_HEALTH_URLS)',
  dryRun: 'rollgate gate --dry-run --config',
  rejectedHeader: 'rollgate gate --config (a rejected header value)',
  rejectedUrl: 'rollgate gate (a rejected ftp: URL)',
  stateDir: 'rollgate gate --state-dir (a failed deploy after a passed one)',
  show: 'rollgate evidence show',
  showJson: 'rollgate evidence show --json',
} as const;

const STREAMS = ['stdout', 'stderr'] as const;
const EVIDENCE_FILES = ['health-gate.json', 'health-gate.env'] as const;
const WRITES_EVIDENCE: ReadonlySet<string> = new Set([
  RUNS.gate,
  RUNS.json,
  RUNS.envList,
  RUNS.rejectedHeader,
  RUNS.stateDir,
]);
const STATE_FILES = `${RUNS.stateDir}: the state directory`;

const placesOf = (run: string): string[] => [
  ...STREAMS.map((stream) => `${run}: ${stream}`),
  ...(WRITES_EVIDENCE.has(run) ? EVIDENCE_FILES.map((file) => `${run}: ${file}`) : []),
  ...(run === RUNS.stateDir ? [STATE_FILES] : []),
];

export const cliScenario: LeakScenario = {
  name: 'the rollgate CLI',
  places: Object.values(RUNS).flatMap(placesOf),
  capture: async () => {
    const echo = echoingService();
    const server = await startLoopbackServer(echo.route);
    try {
      const port = server.port;
      const s = CLI_SECRETS;
      const targets = [
        {
          name: 'echo',
          url: `http://ops:${encodeURIComponent(s.urlPassword.value)}@127.0.0.1:${port}/echo?token=${s.queryToken.value}#access_token=${s.fragmentToken.value}`,
          headers: { 'X-Api-Key': '${API_KEY}' },
        },
        {
          name: 'hop',
          url: `http://127.0.0.1:${port}/hop?token=${s.hopToken.value}`,
          headers: { Authorization: 'Bearer ${API_TOKEN}', 'X-Api-Key': s.literalHeader.value },
        },
        // Its Basic credentials come back percent-encoded, in the query of the Location it redirects to.
        { name: 'hop-basic', url: `http://ops:${encodeURIComponent(s.hopPassword.value)}@127.0.0.1:${port}/hop` },
      ];
      const gateFile = JSON.stringify({ targets, retries: 0, rollback: { command: ROLLBACK_COMMAND } });
      // The stack's config file, registering the same targets and command for `--service checkout --environment prod`.
      const serviceFile = JSON.stringify({
        services: [
          {
            service: 'checkout',
            environment: 'prod',
            targets,
            probe: { retries: 0 },
            rollback: { command: ROLLBACK_COMMAND },
          },
        ],
      });
      const env = { API_TOKEN: s.envBearer.value, API_KEY: s.envApiKey.value };
      const files = { 'gate.json': gateFile };
      const listedUrls = [
        `http://deploy:${encodeURIComponent(s.listPassword.value)}@127.0.0.1:${port}/echo`,
        `http://127.0.0.1:${port}/echo?api_key=${s.listApiKey.value}`,
      ];
      const rejectedHeaderFile = JSON.stringify({
        targets: [
          {
            url: `http://127.0.0.1:${port}/echo`,
            headers: { Authorization: `Bearer ${s.rejectedHeader.value}\nX: 1` },
          },
        ],
      });
      const [gate, json, envList, dryRun, rejectedHeader, rejectedUrl, stateDir] = await Promise.all([
        spawnRollgate(['gate', '--config', 'gate.json'], { env, files }),
        spawnRollgate(['gate', '--config', 'gate.json', '--json'], { env, files }),
        // Without API_TOKEN and API_KEY: values Rollgate never used are the rollback script's own business.
        spawnRollgate(['gate', '--json', '--retries', '0'], {
          env: { RUNTIME_HEALTH_URLS: listedUrls.join(',\n'), RUNTIME_ROLLBACK_COMMAND: ROLLBACK_COMMAND },
        }),
        spawnRollgate(['gate', '--dry-run', '--config', 'gate.json'], { env, files }),
        spawnRollgate(['gate', '--config', 'gate.json'], { files: { 'gate.json': rejectedHeaderFile } }),
        spawnRollgate(['gate'], {
          env: { RUNTIME_HEALTH_URLS: `http://127.0.0.1:${port}/echo,ftp://ops:${s.ftpPassword.value}@files.example/` },
        }),
        afterPassedDeploy(`http://127.0.0.1:${port}/ok`, { env, files: { 'rollgate.config.json': serviceFile } }),
      ]);
      expectRun(
        [gate, json, envList].every((run) => run.code === 1 && run.evidence['health-gate.json'].includes('"failed"')),
        'the gates should fail (exit 1, a failed verdict recorded)',
        [gate.stderr, json.stderr, envList.stderr],
      );
      expectRun(
        stateDir.code === 1 &&
          stateDir.collected.includes('1.4.1') &&
          stateDir.evidence['health-gate.env'].includes("HEALTH_GATE_ROLLBACK_ATTEMPTED='true'"),
        'the deploy after a passed one should fail and roll back, its state knowing 1.4.1 as good',
        stateDir.stderr,
      );
      expectRun(dryRun.code === 0, 'the dry run should exit 0', dryRun.stderr);
      expectRun(rejectedHeader.code === 2 && rejectedUrl.code === 2, 'bad configs should exit 2', [
        rejectedHeader.stderr,
        rejectedUrl.stderr,
      ]);
      const received = echo.received();
      expectRun(
        [s.envBearer, s.envApiKey, s.literalHeader, s.queryToken].every((secret) => received.includes(secret.value)),
        'the service should have received the header secrets and the query token it echoes',
        received.length,
      );
      const [show, showJson] = await showFromS3(gate.evidence['health-gate.json']);
      const runs: Record<string, RollgateRun> = {
        [RUNS.gate]: gate,
        [RUNS.json]: json,
        [RUNS.envList]: envList,
        [RUNS.dryRun]: dryRun,
        [RUNS.rejectedHeader]: rejectedHeader,
        [RUNS.rejectedUrl]: rejectedUrl,
        [RUNS.stateDir]: stateDir,
        [RUNS.show]: show,
        [RUNS.showJson]: showJson,
      };
      return {
        ...Object.fromEntries(Object.entries(runs).flatMap(([name, run]) => placesOfRun(name, run))),
        [STATE_FILES]: { text: stateDir.collected },
      };
    } finally {
      await server.close();
    }
  },
};

function placesOfRun(name: string, run: RollgateRun): Array<[string, CapturedPlace]> {
  const places: Array<[string, CapturedPlace]> = STREAMS.map((stream) => [`${name}: ${stream}`, { text: run[stream] }]);
  if (!WRITES_EVIDENCE.has(name)) return places;
  for (const file of EVIDENCE_FILES) {
    expectRun(run.evidence[file] !== '', `${name} should have written ${file}`, run.stderr);
    places.push([`${name}: ${file}`, { text: run.evidence[file] }]);
  }
  return places;
}

/**
 * `rollgate gate --state-dir` of the service the stack's config file registers, after a passed gate of version 1.4.1 in
 * the same directory: it fails, rolls back to 1.4.1 with the registered rollback command, and records it all in the
 * state directory.
 */
async function afterPassedDeploy(healthyUrl: string, options: RollgateRunOptions): Promise<RollgateRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'rollgate-leaks-state-'));
  try {
    const state = ['--state-dir', 'state', '--service', 'checkout', '--environment', 'prod'];
    const passed = await spawnRollgate(['gate', '--url', healthyUrl, '--expect-version', '1.4.1', ...state], { cwd });
    expectRun(passed.code === 0, 'the gate of 1.4.1 should pass', passed.stderr);
    return await spawnRollgate(['gate', '--config', 'rollgate.config.json', '--expect-version', '1.4.2', ...state], {
      ...options,
      cwd,
      collect: 'state',
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Puts the gate's health-gate.json in a bucket on moto and reads it back with `rollgate evidence show`. */
async function showFromS3(evidence: string): Promise<[RollgateRun, RollgateRun]> {
  const bucket = await createBucket();
  const key = 'gates/ci/health-gate.json';
  await motoClients().s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: evidence }));
  const args = ['evidence', 'show', '--bucket', bucket, '--key', key];
  const runs = await Promise.all([
    spawnRollgate(args, { env: motoEnvironment() }),
    spawnRollgate([...args, '--json'], { env: motoEnvironment() }),
  ]);
  expectRun(
    runs.every((run) => run.code === 0),
    'rollgate evidence show should read the record',
    runs.map((run) => run.stderr),
  );
  return runs;
}
