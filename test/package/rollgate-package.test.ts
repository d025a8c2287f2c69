// The npm package from a user's side: `npm pack`, then the tarball installed into a fresh project under the temp dir
// (no access to the repository's sources), and from there the CLI, the GitHub Action's entry, a CDK app that imports
// `rollgate/cdk`, and TypeScript and a bundler taking in the engine. Packing and installing happen once, for the file.

import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cdkJsonContext,
  functionBundleDirectory,
  nagViolations,
  removeOutdir,
  synthRollgateConstruct,
  type SynthesizedConstruct,
} from '../support/synth-stack.ts';
import { fixedService, healthyService, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.ts';
import { parseGithubOutputFile } from '../bin/github-output-file.ts';
import { LAMBDA_HANDLER_NAMES } from '../../lib/lambda-handlers.ts';
import { BUNDLED_SCRIPT, CDK_APP, CDK_TS, ENGINE_TS, TSCONFIG } from './consumer-files.ts';
import { installConsumer, packRepository, REPO_ROOT, runCommand, userEnv, type CommandRun } from './packed-package.ts';

const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let consumer: string;
let installed: string;
let cdkOut: string;
// The two slow runs start as soon as the package is installed and go on beside the other tests.
let typeCheck: Promise<CommandRun>;
let cdkSynth: Promise<CommandRun>;

beforeAll(async () => {
  const tarball = await packRepository();
  consumer = await installConsumer(tarball, ['aws-cdk-lib', 'constructs', 'cdk-nag', '@types/node']);
  installed = path.join(consumer, 'node_modules', 'rollgate');
  writeFileSync(path.join(consumer, 'engine.mts'), ENGINE_TS);
  writeFileSync(path.join(consumer, 'cdk.cts'), CDK_TS);
  writeFileSync(path.join(consumer, 'tsconfig.json'), TSCONFIG);
  typeCheck = inConsumer(process.execPath, [TSC, '-p', 'tsconfig.json']);
  cdkOut = mkdtempSync(path.join(tmpdir(), 'rollgate-consumer-cdk-'));
  writeFileSync(path.join(consumer, 'app.cjs'), CDK_APP);
  writeFileSync(path.join(consumer, 'cdk-context.json'), JSON.stringify(cdkJsonContext()));
  cdkSynth = inConsumer(process.execPath, ['app.cjs', cdkOut]);
}, 480_000);

afterAll(async () => {
  // Nothing left running should a test above have failed before awaiting them.
  await Promise.allSettled([typeCheck, cdkSynth]);
});

/** A command in the consumer project, as its user would type it. */
function inConsumer(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<CommandRun> {
  return runCommand(command, args, { cwd: consumer, env: userEnv(env), timeoutMs: 120_000 });
}

describe('the installed package', () => {
  it('reports its version: rollgate --version', async () => {
    const run = await inConsumer('npx', ['rollgate', '--version']);
    expect(run).toMatchObject({ code: 0, stdout: `rollgate ${VERSION}\n` });
  });

  it('passes its demo: a passing gate, then a failing one that rolls back', async () => {
    const run = await inConsumer('npx', ['rollgate', 'demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exit code 0');
    expect(run.stdout).toContain('exit code 1: the gate stays failed even though the rollback succeeded.');
  });

  it('ships built JavaScript with types and no TypeScript sources, and installs neither tsx nor the CDK for the CLI', () => {
    const files = listFiles(installed);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/rollgate.mjs',
        'dist/rollgate.mjs',
        'dist/action.mjs',
        'dist/lambda/index.js',
        'dist/lambda/index.d.ts',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/lambda-assets/manifest.json',
        'CHANGELOG.md',
      ]),
    );
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.dependencies)).toEqual(['zod']);
    expect(manifest.peerDependenciesMeta).toEqual({
      '@aws-sdk/client-dynamodb': { optional: true },
      '@aws-sdk/client-s3': { optional: true },
      '@aws-sdk/client-sfn': { optional: true },
      'aws-cdk-lib': { optional: true },
      'cdk-nag': { optional: true },
      constructs: { optional: true },
    });
    for (const absent of [
      'tsx',
      'esbuild',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sfn',
      'typescript',
    ]) {
      expect(existsSync(path.join(consumer, 'node_modules', absent)), absent).toBe(false);
    }
  });

  it('declares the construct types for the older `node` module resolution too, and prebuilds every handler', () => {
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.typesVersions['*'].cdk).toEqual([manifest.exports['./cdk'].types]);
    const assets = JSON.parse(readFileSync(path.join(installed, 'dist', 'lambda-assets', 'manifest.json'), 'utf8'));
    expect(Object.keys(assets.handlers)).toEqual(LAMBDA_HANDLER_NAMES);
    for (const name of LAMBDA_HANDLER_NAMES)
      expect(Object.keys(assets.handlers[name]).sort()).toEqual(['bundled', 'layer']);
  });

  it('says how to install the S3 client when rollgate evidence needs it', async () => {
    const run = await inConsumer('npx', ['rollgate', 'evidence', 'list', '--bucket', 'b', '--prefix', 'deploys/'], {
      AWS_REGION: 'eu-west-1',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('npm install @aws-sdk/client-s3');
  });

  it('says how to install the Step Functions client when rollgate deploy needs it', async () => {
    const run = await inConsumer(
      'npx',
      [
        'rollgate',
        'deploy',
        '--service',
        'web',
        '--environment',
        'prod',
        '--version',
        '1.0.0',
        '--state-machine',
        'arn:aws:states:eu-west-1:111122223333:stateMachine:rollgate-deploy',
      ],
      { AWS_REGION: 'eu-west-1' },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('npm install @aws-sdk/client-sfn');
  });

  it('says how to install the DynamoDB client when rollgate pause --table needs it', async () => {
    const run = await inConsumer(
      'npx',
      [
        'rollgate',
        'pause',
        '--table',
        'rollgate-state',
        '--service',
        'web',
        '--environment',
        'prod',
        '--for',
        '30m',
        '--reason',
        'maintenance',
      ],
      { AWS_REGION: 'eu-west-1' },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('npm install @aws-sdk/client-dynamodb');
  });

  it('imports the engine with its types (tsc --noEmit) and the construct from a CommonJS module', async () => {
    const run = await typeCheck;
    expect(run.stdout + run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('bundles the engine with esbuild, and the bundle runs', async () => {
    writeFileSync(path.join(consumer, 'script.mjs'), BUNDLED_SCRIPT);
    await build({
      absWorkingDir: consumer,
      entryPoints: ['script.mjs'],
      outfile: 'bundled/script.mjs',
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const run = await inConsumer(process.execPath, ['bundled/script.mjs']);
    expect(run).toMatchObject({ code: 0, stdout: 'targets[0].url\n' });
  });
});

describe('a CDK app that imports rollgate/cdk', () => {
  let synth: CommandRun;
  let fromSource: SynthesizedConstruct;

  beforeAll(async () => {
    // The same construct in this repository, bundled from source by NodejsFunction, to compare with.
    fromSource = synthRollgateConstruct();
    synth = await cdkSynth;
  }, 120_000);
  afterAll(() => removeOutdir(fromSource));

  const template = (stack: string) => JSON.parse(readFileSync(path.join(cdkOut, `${stack}.template.json`), 'utf8'));

  it('synthesizes offline, without esbuild or sources, and is nag-clean', () => {
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    expect(nagViolations(cdkOut)).toEqual([]);
    // The packs did run: their acknowledgements are written into the template.
    expect(JSON.stringify(template('RollgateTest'))).toContain('"cdk_nag"');
  });

  it('deploys what the repository deploys, but for where the code comes from', () => {
    const normalized = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}/g, 'ASSET_HASH'), (key, inner) =>
        key === 'aws:asset:is-bundled' ? undefined : inner,
      );
    expect(normalized(template('RollgateTest'))).toEqual(normalized(fromSource.template.toJSON()));
  });

  it.each([
    ['deploy-event', 'DeployGate'],
    ['scheduled-check', 'ScheduledCheck'],
  ])('runs the prebuilt %s handler, the same bundle NodejsFunction makes from source', (handler, id) => {
    // The construct's paths make the logical ids: Rollgate/DeployGate/Function -> RollgateDeployGateFunction<hash>.
    const inStack = (stack: string) =>
      Object.entries(template(stack).Resources as Record<string, FunctionResource>).find(
        ([logicalId, resource]) =>
          logicalId.startsWith(`Rollgate${id}Function`) && resource.Type === 'AWS::Lambda::Function',
      )![1];
    // An asset's staging folder in the assembly is named after its hash, which is the S3 key without `.zip`.
    const assetOf = (resource: FunctionResource) =>
      readFileSync(path.join(cdkOut, `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js'));
    const prebuilt = (powertools: string) =>
      readFileSync(path.join(installed, 'dist', 'lambda-assets', handler, powertools, 'index.js'));

    const layered = inStack('RollgateTest');
    expect(layered.Properties.Handler).toBe('index.handler');
    expect(assetOf(layered).equals(prebuilt('layer'))).toBe(true);
    const sourceFunction =
      id === 'DeployGate' ? fromSource.rollgate.deployGateFunction : fromSource.rollgate.scheduledCheckFunction;
    const sourceBundle = functionBundleDirectory(fromSource.assembly, fromSource.stack, sourceFunction);
    expect(readFileSync(path.join(sourceBundle, 'index.js')).equals(prebuilt('layer'))).toBe(true);

    // Bundled Powertools: no Powertools layer, only the registry layer, which works the same with prebuilt handlers.
    const bundled = inStack('PowertoolsBundled');
    expect(bundled.Properties.Layers).toEqual([{ Ref: expect.stringMatching(/^RollgateRegistryLayer/) }]);
    expect(assetOf(bundled).equals(prebuilt('bundled'))).toBe(true);
  });

  it('needs cdk-nag only for applyNagChecks: the construct imports without it', async () => {
    const nag = path.join(consumer, 'node_modules', 'cdk-nag');
    renameSync(nag, `${nag}.away`);
    try {
      const script = "const { Rollgate } = require('rollgate/cdk'); console.log(typeof Rollgate);";
      const run = await inConsumer(process.execPath, ['-e', script]);
      expect(run).toMatchObject({ code: 0, stdout: 'function\n' });
    } finally {
      renameSync(`${nag}.away`, nag);
    }
  });
});

describe("the GitHub Action's entry from the package", () => {
  let healthy: LoopbackServer;
  let broken: LoopbackServer;
  beforeAll(async () => {
    healthy = await startLoopbackServer(healthyService('v1.4.2'));
    broken = await startLoopbackServer(fixedService(503, { status: 'degraded', version: 'v1.4.1' }));
  });
  afterAll(async () => {
    await Promise.all([healthy.close(), broken.close()]);
  });

  /** `npx rollgate-action` (what action.yml runs) with the inputs as action.yml passes them. */
  async function runActionEntry(inputs: Record<string, string>) {
    const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-action-workspace-'));
    const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') };
    writeFileSync(files.GITHUB_OUTPUT, '');
    writeFileSync(files.GITHUB_STEP_SUMMARY, '');
    const run = await inConsumer('npx', ['rollgate-action'], {
      ...inputs,
      ...files,
      INPUT_EVIDENCE_DIR: path.join(dir, 'evidence'),
      INPUT_RETRIES: '0',
    });
    return {
      ...run,
      dir,
      outputs: parseGithubOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    };
  }

  it('passes a healthy deploy: exit 0, outputs and a job summary', async () => {
    const run = await runActionEntry({ INPUT_URLS: healthy.url('/health'), INPUT_EXPECT_VERSION: '1.4.2' });
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({
      status: 'passed',
      'status-reason': 'all_probes_healthy',
      evidence: path.join(run.dir, 'evidence', 'health-gate.json'),
    });
    expect(run.summary).toContain('### Rollgate gate passed: `all_probes_healthy`');
    expect(run.summary).toMatch(/\| OK \| http:\/\/127\.0\.0\.1:\d+\/health \| 200 \| v1\.4\.2 \|/);
  });

  it('fails a broken deploy with exit 1, rolls back, and says so in outputs and summary', async () => {
    const run = await runActionEntry({
      INPUT_URLS: `${healthy.url('/health')}\n${broken.url('/health')}`,
      INPUT_ROLLBACK_COMMAND: 'echo rolled back',
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'status-reason': 'probe_failures' });
    expect(run.summary).toMatch(/\| \*\*FAIL\*\* \| http:\/\/127\.0\.0\.1:\d+\/health \| 503 \|/);
    expect(run.summary).toContain('**Rollback:** succeeded, exit 0');
    expect(run.stdout).toContain('::error title=Rollgate gate failed%3A probe_failures::');
  });
});

interface FunctionResource {
  readonly Type: string;
  readonly Properties: { readonly Handler?: string; readonly Layers?: unknown; readonly Code: { S3Key: string } };
}

function listFiles(root: string, prefix = ''): string[] {
  return readdirSync(path.join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(root, relative) : [relative];
  });
}
