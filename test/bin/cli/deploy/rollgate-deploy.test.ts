// `rollgate deploy` as a real child process. Against the stack: the deploy workflow on a moto_server of this file's own
// whose Lambda tasks answer what the real task handler answered when the same deploy was driven in-process just
// before (against the run's shared moto, where its evidence then is), so the CLI starts, follows, prints the rounds,
// copies the record and exits on the verdict; `rollgate approve --table` answers the waiting workflow. In-process (--local): a release of two registered services against
// loopback services. And the usage errors, each naming the flag.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDbStateStore } from '../../../../lambda/adapters/aws/dynamodb-state-store.ts';
import { storeApprovalToken } from '../../../../lambda/core/deploy/approval-item.ts';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3EvidenceStore } from '../../../../lambda/adapters/aws/s3-evidence-store.ts';
import { captureOutput, resetHandlerTest } from '../../../lambda/handlers/handler-harness.ts';
import {
  createWorkflowWorld,
  driveWorkflow,
  type DrivenFlow,
} from '../../../lambda/handlers/workflow/workflow-task-world.ts';
import { motoClients } from '../../../support/aws-fixtures.ts';
import {
  healthyService,
  fixedService,
  startLoopbackServer,
  type LoopbackServer,
} from '../../../support/loopback-server.ts';
import { motoAwsEnvironment } from '../../../support/moto-global-setup.ts';
import {
  approvalTaskToken,
  awaitExecutionEnd,
  executionHistory,
  startStepFunctionsMoto,
  type StepFunctionsMoto,
} from '../../../support/step-functions-moto.ts';
import { ROLLGATE_CLI } from '../../../support/repo-paths.ts';

const CLI = ROLLGATE_CLI;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let moto: StepFunctionsMoto;
let dir: string;
beforeAll(async () => {
  moto = await startStepFunctionsMoto();
});
afterAll(async () => moto?.stop());
afterEach(resetHandlerTest);

/** `rollgate deploy …` in a fresh directory: S3 on the run's moto, Step Functions on this file's. */
function rollgate(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return rollgateCommand(['deploy', ...args], env);
}

/** A fresh directory for the command, and its environment: S3 on the run's moto, Step Functions on this file's. */
function freshCommandEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  dir = mkdtempSync(join(tmpdir(), 'rollgate-deploy-'));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    ...motoAwsEnvironment(inject('motoEndpoint')),
    AWS_ENDPOINT_URL_SFN: moto.endpoint,
    // The SDK's notice that its 2027 releases need Node 22, on every run under Node 20: not this command's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  };
}

function rollgateCommand(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const processEnv = freshCommandEnvironment(env);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: dir, env: processEnv, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

const deployArgs = (service: string) => [
  '--service',
  service,
  '--environment',
  'prod',
  '--version',
  '1.4.2',
  '--previous',
  '1.4.1',
  '--state-machine',
  moto.stateMachineArn,
];

async function readRecord(uri: string): Promise<unknown> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  return new S3EvidenceStore({ client: motoClients().s3, bucket: bucket! }).get(key!);
}

describe('rollgate deploy against the stack', () => {
  it('waits for a failed deploy: a line per round, the rollback verified, the record copied, exit 1', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    captureOutput();
    const driven: DrivenFlow = await driveWorkflow(flow, {
      afterStep: (step) => step.step === 'send_rollback' && flow.behave({ version: '1.4.1' }),
    });
    await moto.queueTaskResults(driven.steps.map((step) => step.answer));

    const run = await rollgate([...deployArgs(flow.service), '--wait', '--timeout', '2m']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/follow it: https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\/home/);
    expect(run.stdout).toMatch(/window round 1 at \d+s: failing \(0\/1\)/);
    expect(run.stdout).toMatch(/window round 2 at \d+s: failing \(0\/1\) - [^\n]*\nverdict: failed/);
    expect(run.stdout).toContain('rollback sent, to 1.4.1');
    expect(run.stdout).toMatch(/verification round 2 at \d+s: healthy \(1\/1\)\nrollback: recovered/);
    expect(run.stdout).toContain('Verdict: FAILED (probe_failures');
    const record = driven.final!.response.evidence.rollback!;
    const copied = JSON.parse(readFileSync(join(dir, 'artifacts/rollout/health-gate.json'), 'utf8'));
    expect(copied).toEqual(await readRecord(record));
    expect(readFileSync(join(dir, 'artifacts/rollout/health-gate.env'), 'utf8')).toContain(
      "HEALTH_GATE_ROLLBACK_OUTCOME='recovered'",
    );
  });

  it('exits 0 for a healthy deploy, and prints only the answer with --json', async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    captureOutput();
    const driven = await driveWorkflow(flow);
    await moto.queueTaskResults(driven.steps.map((step) => step.answer));

    const run = await rollgate([...deployArgs(flow.service), '--wait', '--json']);

    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.response).toEqual(driven.final!.response);
    expect(printed.execution_arn).toContain(`:execution:rollgate-deploy:${flow.service}-prod-1_4_2-`);
  });

  it('without --wait, starts the execution, prints it and its console page, and exits 0', async () => {
    const before = await moto.sfn.send(new ListExecutionsCommand({ stateMachineArn: moto.stateMachineArn }));
    await moto.queueTaskResults([{ progress: {}, next: 'sleep' }]);

    const run = await rollgate(deployArgs('checkout'));

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^deploy checkout\/prod 1\.4\.2: arn:aws:states:us-east-1:\d+:execution:rollgate-deploy:checkout-prod-1_4_2-[0-9a-f]{24}\nfollow it: https:/,
    );
    const after = await moto.sfn.send(new ListExecutionsCommand({ stateMachineArn: moto.stateMachineArn }));
    expect(after.executions?.length).toBe((before.executions?.length ?? 0) + 1);
  });

  it('stops following on SIGINT with no verdict here, the workflow left running, and exits 130', async () => {
    const account = moto.stateMachineArn.split(':')[4];
    const waiting = await moto.sfn.send(
      new CreateStateMachineCommand({
        name: 'rollgate-deploy-that-waits',
        roleArn: `arn:aws:iam::${account}:role/rollgate-deploy-workflow`,
        definition: JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 600, End: true } } }),
      }),
    );
    const args = [...deployArgs('checkout').slice(0, -1), waiting.stateMachineArn!, '--wait'];
    const env = freshCommandEnvironment();
    const child = spawn(process.execPath, [CLI, 'deploy', ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    for (let poll = 0; poll < 300 && !stdout.includes('follow it: '); poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    const code = await exited;

    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(
      /^rollgate: SIGINT: stopped following, with no verdict here; the workflow goes on and will still roll back if it must: https:\/\//,
    );
    expect(existsSync(join(dir, 'artifacts/rollout/health-gate.json'))).toBe(false);
    const executions = await moto.sfn.send(new ListExecutionsCommand({ stateMachineArn: waiting.stateMachineArn }));
    expect(executions.executions?.map((execution) => execution.status)).toEqual(['RUNNING']);
    await moto.sfn.send(new StopExecutionCommand({ executionArn: executions.executions![0]!.executionArn }));
  });

  it('says the workflow broke, with no verdict, and exits 1 when the execution fails', async () => {
    await moto.queueTaskResults([{ progress: {}, next: 'sleep' }]);

    const run = await rollgate([...deployArgs('checkout'), '--wait']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^rollgate: the deploy workflow failed, so there is no verdict: Rollgate\.UnknownNextStep/,
    );
    expect(existsSync(join(dir, 'artifacts/rollout/health-gate.json'))).toBe(false);
  });

  it('judges a release: each component its own execution, the release failed as one failed, release.json listing each', async () => {
    // One world after the other: each handler reads the registry of the world it was loaded for.
    captureOutput();
    const healthy = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    const first = await driveWorkflow(healthy);
    const broken = await createWorkflowWorld({ behaviour: { status: 503 } });
    const second = await driveWorkflow(broken);
    // One at a time (--concurrency 1), so moto hands each execution its own answers in order.
    await moto.queueTaskResults([...first.steps, ...second.steps].map((step) => step.answer));
    const components = {
      [healthy.service]: { tag: '1.4.2', sha: 'abc1234' },
      [broken.service]: { tag: '1.4.2', digest: `sha256:${'e'.repeat(64)}`, image: 'ignored' },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'rollgate-release-')), 'component-tags.json');
    writeFileSync(file, JSON.stringify(components));

    const run = await rollgate([
      '--components',
      file,
      '--environment',
      'prod',
      '--state-machine',
      moto.stateMachineArn,
      '--wait',
      '--concurrency',
      '1',
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${healthy.service}: window round 1`);
    expect(run.stdout).toMatch(/Release prod: FAILED \(1\/2 passed\)/);
    const release = JSON.parse(readFileSync(join(dir, 'artifacts/rollout/release.json'), 'utf8'));
    expect(release).toMatchObject({
      status: 'failed',
      components: [
        { component: healthy.service, status: 'passed', code: 0 },
        { component: broken.service, status: 'failed', code: 1, rollback_outcome: 'still_failing' },
      ],
    });
    expect(existsSync(join(dir, 'artifacts/rollout', broken.service, 'health-gate.json'))).toBe(true);
    expect(readFileSync(join(dir, 'artifacts/rollout/health-gate.env'), 'utf8')).toContain(
      `HEALTH_GATE_FAILED_COMPONENTS='${broken.service}'`,
    );
  });
});

describe('rollgate approve against the stack', () => {
  it('answers the workflow waiting on the task token the approval item holds, which then rolls back', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    captureOutput();
    const driven = await driveWorkflow(flow, {
      approval: 'approved',
      afterStep: (step) => step.step === 'send_rollback' && flow.behave({ version: '1.4.1' }),
    });
    await moto.queueTaskResults(driven.steps.map((step) => step.answer));
    const name = `approve-${flow.service}`;
    const started = await moto.sfn.send(
      new StartExecutionCommand({ stateMachineArn: moto.stateMachineArn, name, input: JSON.stringify(flow.input) }),
    );
    const store = new DynamoDbStateStore({ client: motoClients().dynamodb, tableName: flow.world.stateTable });
    const scope = { service: flow.service, environment: 'prod' };
    // What the RequestApproval task's step does on AWS: the waiting task's token goes into the run's approval item.
    let token: string | undefined;
    for (let poll = 0; poll < 100 && token === undefined; poll += 1) {
      token = approvalTaskToken(await executionHistory(moto.sfn, started.executionArn!));
      if (token === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await storeApprovalToken(store, scope, flow.input.run_id, token!);

    const run = await rollgateCommand([
      'approve',
      '--service',
      flow.service,
      '--environment',
      'prod',
      '--by',
      'alice',
      '--table',
      flow.world.stateTable,
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { execution, events } = await awaitExecutionEnd(moto.sfn, started.executionArn!);
    const applied = events.find((event) =>
      event.lambdaFunctionScheduledEventDetails?.input?.includes('"await_approval"'),
    );
    expect(JSON.parse(applied!.lambdaFunctionScheduledEventDetails!.input!).approval).toEqual({
      decision: 'approved',
      by: 'alice',
    });
    expect(JSON.parse(execution.output ?? '')).toMatchObject({ response: { rollback_outcome: 'recovered' } });
  });
});

describe('rollgate deploy --local', () => {
  let api: LoopbackServer;
  let web: LoopbackServer;
  beforeAll(async () => {
    api = await startLoopbackServer(healthyService('1.7.3'));
    web = await startLoopbackServer(fixedService(503, { status: 'down' }));
  });
  afterAll(async () => Promise.all([api.close(), web.close()]));

  function configFile(): string {
    const window = { windowSeconds: 10, intervalSeconds: 1, bakeSeconds: 0, successThreshold: 2, failureThreshold: 2 };
    const service = (name: string, server: LoopbackServer) => ({
      service: name,
      environment: 'prod',
      targets: [{ url: server.url('/health'), allowPrivate: true }],
      probe: { retries: 0, timeoutMs: 2000 },
      window,
      rollback: { mode: 'off' },
    });
    const path = join(mkdtempSync(join(tmpdir(), 'rollgate-config-')), 'rollgate.config.json');
    writeFileSync(path, JSON.stringify({ services: [service('api', api), service('web', web)] }));
    return path;
  }

  it('judges a release in-process: the registered components each, the unregistered one listed, exit 1', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rollgate-release-')), 'component-tags.json');
    writeFileSync(file, JSON.stringify({ api: { tag: '1.7.3' }, web: { tag: '2.0.0' }, worker: { tag: '0.9.0' } }));

    const run = await rollgate(['--components', file, '--environment', 'prod', '--local', '--config', configFile()]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/api: window round 2 at \d+s: healthy \(1\/1\)/);
    expect(run.stdout).toMatch(/Release prod: FAILED \(1\/2 passed\)/);
    expect(run.stdout).toContain('not judged: worker 0.9.0 is not registered for prod');
    const release = JSON.parse(readFileSync(join(dir, 'artifacts/rollout/release.json'), 'utf8'));
    expect(
      release.components.map((component: { component: string; status: string }) => [
        component.component,
        component.status,
      ]),
    ).toEqual([
      ['api', 'passed'],
      ['web', 'failed'],
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'artifacts/rollout/api/health-gate.json'), 'utf8')).status).toBe('passed');
  });
});

describe('rollgate deploy usage errors', () => {
  it.each([
    [['--environment', 'prod', '--version', '1'], /^rollgate: --service: is required/],
    [['--service', 'a', '--environment', 'prod', '--version', '1'], /^rollgate: --state-machine: is required/],
    [
      ['--service', 'a', '--environment', 'prod', '--version', '1', '--state-machine', 'arn:aws:states:us-east-1:1:x'],
      /--state-machine: must be a Step Functions state machine ARN/,
    ],
    [
      [
        '--service',
        'a',
        '--environment',
        'prod',
        '--version',
        '1',
        '--timeout',
        '5m',
        '--local',
        '--config',
        'x.json',
        '--state-machine',
        'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      ],
      /--state-machine.*and --local name two places/,
    ],
    [
      ['--service', 'a', '--environment', 'prod', '--version', 'v 1', '--local', '--config', 'x.json'],
      /--version: must be a version/,
    ],
    [
      ['--components', 'tags.json', '--service', 'a', '--environment', 'prod', '--local', '--config', 'x.json'],
      /--service: comes from --components/,
    ],
    [
      [
        '--service',
        'a',
        '--environment',
        'prod',
        '--version',
        '1',
        '--state-machine',
        'arn:aws:states:us-east-1:123456789012:stateMachine:x',
        '--timeout',
        '5m',
      ],
      /--timeout: bounds --wait/,
    ],
  ])('exits 2 naming the flag: %j', async (args, message) => {
    const run = await rollgate(args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it('names the component and field of a bad components file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rollgate-release-')), 'component-tags.json');
    writeFileSync(file, JSON.stringify({ api: { tag: '1.7.3; rm -rf /' } }));

    const run = await rollgate(['--components', file, '--environment', 'prod', '--local', '--config', 'x.json']);

    expect(run.stderr).toMatch(/^rollgate: api\.tag: must be 1-128 letters/);
    expect(run.code).toBe(2);
  });
});
