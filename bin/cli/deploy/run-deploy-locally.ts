// `rollgate deploy --local`: one deploy of a service registered in the config file, judged in this process by the
// same deploy flow the stack's workflow runs (its window, the rollback command under /bin/sh in approve or auto mode,
// the verification, the approval read from the state directory). For deploy-command.ts, which owns the flags.

import { resolve } from 'node:path';
import { DEFAULT_ROLLBACK_TIMEOUT_MS } from '../../../lambda/core/config/config-schema.ts';
import { registeredDeploy } from '../../../lambda/core/config/registered-deploy.ts';
import { deployRegistrationOf } from '../../../lambda/core/deploy/start-deploy.ts';
import { ConfigError, ConfigErrors } from '../../../lambda/core/errors.ts';
import { ciContextFromEnv } from '../../../lambda/core/evidence/ci-context.ts';
import { EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { readConfigFile } from '../config-file.ts';
import { runLocalDeploy, type LocalDeployTiming } from './local-deploy.ts';
import { validateConfigFile } from '../service-gate-fields.ts';

export interface LocalDeployRequest {
  /** The rollgate.config.json that registers the service, as given (relative to io.cwd). */
  readonly configPath: string;
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly previousVersion?: string | undefined;
  readonly digest?: string | undefined;
  readonly commit?: string | undefined;
  /** Where the service's versions, lock, pause and approval item are kept; without it nothing is remembered. */
  readonly stateDir?: string | undefined;
  /** Where health-gate.json and .env go, as given. */
  readonly evidenceDir: string;
  readonly json: boolean;
  /** The run's id (the approval command names it). @default cli-<uuid> */
  readonly runId?: string | undefined;
  /** Put before every progress line: a release's component. */
  readonly label?: string | undefined;
}

/** Judges one deploy in-process and answers `rollgate gate`'s exit code: 0 passed, 1 failed, 2 usage or config. */
export async function runDeployLocally(
  request: LocalDeployRequest,
  io: CliIo,
  timing?: LocalDeployTiming,
): Promise<number> {
  let setup: Parameters<typeof runLocalDeploy>[0];
  try {
    const file = readConfigFile(resolve(io.cwd, request.configPath), request.configPath);
    const parsed = validateConfigFile(file, request.configPath);
    const registered = registeredDeploy(
      { service: request.service, environment: request.environment, version: request.version },
      { services: parsed.services, monitors: parsed.monitors },
      '--',
    );
    const service = registered.service;
    // approve mode runs the same command, once a person approved it.
    const command = service.rollback.mode !== 'off' ? service.rollback.command : undefined;
    const timeoutMs = (service.rollback.waitSeconds ?? DEFAULT_ROLLBACK_TIMEOUT_MS / 1000) * 1000;
    setup = {
      start: {
        kind: 'deploy',
        ...(request.runId !== undefined ? { run_id: request.runId } : {}),
        ci: ciContextFromEnv(io.env),
        deploy: {
          service: request.service,
          environment: request.environment,
          version: request.version,
          ...(request.previousVersion !== undefined ? { previous_version: request.previousVersion } : {}),
          ...(request.digest !== undefined ? { digest: request.digest } : {}),
          ...(request.commit !== undefined ? { commit: request.commit } : {}),
        },
      },
      registration: deployRegistrationOf(service),
      gate: registered.gateConfig,
      ...(command !== undefined ? { rollback: { command, timeoutMs } } : {}),
      evidenceDir: request.evidenceDir,
      stateDir: request.stateDir,
      json: request.json,
      failOnSkipped: false,
      ...(request.label !== undefined ? { label: request.label } : {}),
    };
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  return runLocalDeploy(setup, io, timing);
}
