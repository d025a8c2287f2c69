// `rollgate deploy`: one deploy, or a release of several (a component-tags file), judged by the stack's deploy workflow
// (started with the caller's AWS credentials, followed with --wait) or in this process (--local, the same deploy flow).
// Exits like `rollgate gate`: 0 passed, 1 failed (or no verdict: a broken workflow, --timeout), 2 usage or config.

import { resolve } from 'node:path';
import { FsEvidenceStore } from '../../../lambda/adapters/local/fs-evidence-store.ts';
import { ConfigError, ConfigErrors, describeError } from '../../../lambda/core/errors.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { WorkflowClients } from './aws-deploy.ts';
import type { CliIo } from '../cli-io.ts';
import { readConfigFile } from '../config-file.ts';
import { readDeployOptions, type DeployOptions, type DeployRequest } from './deploy-options.ts';
import { runRelease, type ComponentResult } from './deploy-release.ts';
import { DEPLOY_HELP } from '../help-text.ts';
import { withRedactedStderr } from '../redacted-io.ts';
import { runDeployLocally } from './run-deploy-locally.ts';
import { validateConfigFile } from '../service-gate-fields.ts';
import { createStopSignal, type StopSignal } from '../stop-signal.ts';

const SFN_CLIENT = '@aws-sdk/client-sfn';

type Judge = (
  deploy: DeployRequest,
  evidenceDir: string,
  label: string | undefined,
  stop: StopSignal,
) => Promise<ComponentResult>;

export async function runDeployCommand(
  argv: readonly string[],
  unredactedIo: CliIo,
  listenForStop: () => StopSignal = createStopSignal,
): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: Extract<DeployOptions, { action: 'deploy' }>;
  let registered: { deploys: DeployRequest[]; notRegistered: DeployRequest[] };
  try {
    const read = readDeployOptions(argv, io.env, io.cwd);
    if (read.action === 'help') {
      io.stdout.write(DEPLOY_HELP);
      return EXIT_PASSED;
    }
    options = read;
    registered = registeredComponents(options);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }

  let judge: Judge;
  if (options.target.kind === 'local') {
    judge = localJudge(options, options.target, io);
  } else {
    let clients: WorkflowClients;
    let runAwsDeploy: typeof import('./aws-deploy.ts').runAwsDeploy;
    try {
      // Both import the Step Functions client: loaded here, on use, never at CLI start (an optional peer).
      ({ runAwsDeploy } = await import('./aws-deploy.ts'));
      clients = (await import('./workflow-clients-opener.ts')).openWorkflowClients(io.env);
    } catch (error) {
      // The npm package leaves the Step Functions client out (an optional peer): only this command needs it.
      if (
        (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
        describeError(error).includes(SFN_CLIENT)
      ) {
        io.stderr.write(
          `rollgate deploy needs the AWS SDK's Step Functions client beside it: npm install ${SFN_CLIENT} ` +
            `(or npx -p rollgate -p ${SFN_CLIENT} rollgate deploy ...), or judge in-process with --local\n`,
        );
        return EXIT_USAGE;
      }
      throw error;
    }
    judge = awsJudge(options, options.target.stateMachineArn, clients, runAwsDeploy, io);
  }

  // SIGINT or SIGTERM (a cancelled CI job, Ctrl-C) stops following: a workflow goes on, durable, and a release starts
  // no further component. One listener for the whole command, shared by every deploy it follows.
  const stop = listenForStop();
  const shared: StopSignal = {
    get stopped() {
      return stop.stopped;
    },
    abort: stop.abort,
    wait: (ms) => stop.wait(ms),
    // Let go of once, here, when every deploy is judged.
    dispose: () => undefined,
  };
  try {
    return await judgeAll(options, registered, judge, shared, io);
  } finally {
    stop.dispose();
  }
}

async function judgeAll(
  options: Extract<DeployOptions, { action: 'deploy' }>,
  registered: { deploys: DeployRequest[]; notRegistered: DeployRequest[] },
  judge: Judge,
  stop: StopSignal,
  io: CliIo,
): Promise<number> {
  if (options.componentsFile === undefined) {
    return (await judge(options.deploys[0]!, options.evidenceDir, undefined, stop)).code;
  }
  if (registered.deploys.length === 0) {
    io.stderr.write(`rollgate: --components: no component is registered for ${options.deploys[0]?.environment}\n`);
    return EXIT_USAGE;
  }
  // Several components write at once: one line each, never a terminal line rewritten by another's round.
  const lineIo: CliIo = {
    ...io,
    stdout: { write: (chunk: string) => io.stdout.write(chunk) } as NodeJS.WritableStream,
  };
  return runRelease(
    registered.deploys,
    (deploy, evidenceDir) => judge(deploy, evidenceDir, deploy.service, stop),
    {
      environment: options.deploys[0]!.environment,
      concurrency: options.concurrency,
      evidenceDir: options.evidenceDir,
      json: options.json,
      notRegistered: registered.notRegistered,
      stop: stop.abort,
    },
    lineIo,
  );
}

/**
 * A release's components that the config file registers for the environment (every component when there is no file:
 * the workflow then refuses any it does not know). Throws ConfigError for a file that cannot be used.
 */
function registeredComponents(options: Extract<DeployOptions, { action: 'deploy' }>): {
  deploys: DeployRequest[];
  notRegistered: DeployRequest[];
} {
  const configPath = options.target.kind === 'local' ? options.target.configPath : options.configPath;
  if (options.componentsFile === undefined || configPath === undefined) {
    return { deploys: [...options.deploys], notRegistered: [] };
  }
  const config = validateConfigFile(readConfigFile(configPath, configPath), configPath);
  const known = new Set(config.services.map((service) => `${service.service}\u0000${service.environment}`));
  const isKnown = (deploy: DeployRequest) => known.has(`${deploy.service}\u0000${deploy.environment}`);
  return {
    deploys: options.deploys.filter(isKnown),
    notRegistered: options.deploys.filter((deploy) => !isKnown(deploy)),
  };
}

function localJudge(
  options: Extract<DeployOptions, { action: 'deploy' }>,
  target: { readonly configPath: string; readonly stateDir: string },
  io: CliIo,
): Judge {
  return async (deploy, evidenceDir, label) => {
    const code = await runDeployLocally(
      {
        configPath: target.configPath,
        ...deploy,
        stateDir: target.stateDir,
        evidenceDir,
        json: options.json && options.componentsFile === undefined,
        ...(label !== undefined ? { label } : {}),
      },
      io,
    );
    return {
      component: deploy.service,
      version: deploy.version,
      code,
      status: code === EXIT_PASSED ? 'passed' : code === EXIT_FAILED ? 'failed' : 'refused',
      evidence: resolve(evidenceDir, 'health-gate.json'),
    };
  };
}

function awsJudge(
  options: Extract<DeployOptions, { action: 'deploy' }>,
  stateMachineArn: string,
  clients: WorkflowClients,
  runAwsDeploy: typeof import('./aws-deploy.ts').runAwsDeploy,
  io: CliIo,
): Judge {
  return async (deploy, evidenceDir, label, stop) => {
    const store = new FsEvidenceStore(evidenceDir);
    const result = await runAwsDeploy(
      {
        deploy,
        stateMachineArn,
        wait: options.wait,
        timeoutMs: options.timeoutMs,
        evidenceDir,
        json: options.json && options.componentsFile === undefined,
        label,
      },
      clients,
      (document) => store.write(document, 'verdict'),
      io,
      () => stop,
    );
    return {
      component: deploy.service,
      version: deploy.version,
      code: result.code,
      status: result.status,
      ...(result.rollbackOutcome !== undefined ? { rollback_outcome: result.rollbackOutcome } : {}),
      ...(result.evidence !== undefined ? { evidence: result.evidence } : {}),
      ...(result.executionArn !== undefined ? { execution_arn: result.executionArn } : {}),
    };
  };
}
