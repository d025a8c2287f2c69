// Reads `rollgate deploy` flags once: one deploy (service, environment, version and what identifies it) or a release
// of several (a GitOps component-tags file), where it runs (the stack's workflow or in-process), and how long to wait.
// Every error names the flag and the value.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commitSchema, digestSchema } from '../../../lambda/core/config/deploy-event-schema.ts';
import {
  DEPLOY_WORKFLOW_ARN_ENV,
  STATE_MACHINE_ARN_PATTERN,
} from '../../../lambda/core/config/deploy-workflow-contract.ts';
import { NAME_PATTERN, VERSION_PATTERN } from '../../../lambda/core/config/name-patterns.ts';
import { NAME_RULE } from '../../../lambda/core/config/probe-request-schema.ts';
import { ConfigError, errorMessageOf } from '../../../lambda/core/errors.ts';
import { parseComponentTags, type ComponentTag } from './component-tags.ts';
import { DEFAULT_EVIDENCE_DIR } from '../gate/gate-options.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';
import { DEFAULT_STATE_DIR } from '../state-location-flags.ts';
import { durationMs } from '../duration-flag.ts';

/** How long `--wait` follows an execution unless told: a default window, a rollback and its verification fit. */
export const DEFAULT_WAIT_MS = 20 * 60_000;
const MAX_WAIT_MS = 24 * 3_600_000;
/** Components of a release judged at once. */
export const DEFAULT_RELEASE_CONCURRENCY = 4;
const MAX_RELEASE_CONCURRENCY = 16;

/** One deploy to judge: what a deploy event's detail carries. */
export interface DeployRequest {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly previousVersion?: string;
  readonly digest?: string;
  readonly commit?: string;
}

/** Where the deploy is judged: the stack's state machine, or in this process against the config file's services. */
export type DeployTarget =
  | { readonly kind: 'aws'; readonly stateMachineArn: string }
  | { readonly kind: 'local'; readonly configPath: string; readonly stateDir: string };

export type DeployOptions =
  | { readonly action: 'help' }
  | {
      readonly action: 'deploy';
      readonly target: DeployTarget;
      /** One deploy, or a release's components (each its own deploy, judged in parallel). */
      readonly deploys: readonly DeployRequest[];
      /** The components file the deploys came from; undefined for a single deploy. */
      readonly componentsFile?: string;
      /** Follow to the verdict (always, in-process). */
      readonly wait: boolean;
      readonly timeoutMs: number;
      readonly concurrency: number;
      readonly evidenceDir: string;
      readonly json: boolean;
      /** The stack's config file (for a release on AWS: which components are registered). */
      readonly configPath?: string;
    };

const FLAGS = {
  service: { type: 'string' },
  environment: { type: 'string' },
  version: { type: 'string' },
  previous: { type: 'string' },
  digest: { type: 'string' },
  commit: { type: 'string' },
  components: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'state-machine': { type: 'string' },
  local: { type: 'boolean' },
  config: { type: 'string' },
  'state-dir': { type: 'string' },
  'evidence-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses and validates. Throws ConfigError naming the flag (or the components file's field). */
export function readDeployOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): DeployOptions {
  const flags = parseCommandFlags(argv, FLAGS, 'rollgate deploy');
  if (flags.help === true) return { action: 'help' };
  const environment = checked('--environment', flags.environment, NAME_PATTERN, NAME_RULE);
  let deploys: DeployRequest[];
  if (flags.components !== undefined) {
    for (const flag of ['service', 'version', 'previous', 'digest', 'commit'] as const) {
      if (flags[flag] !== undefined) {
        throw new ConfigError(`--${flag}`, flags[flag], 'comes from --components for a release; leave it out');
      }
    }
    deploys = readComponents(resolve(cwd, flags.components)).map((component) =>
      deployOfComponent(component, environment),
    );
  } else {
    const service = checked('--service', flags.service, NAME_PATTERN, NAME_RULE);
    const version = checked(
      '--version',
      flags.version,
      VERSION_PATTERN,
      'must be a version (letters, digits, . _ + -)',
    );
    const previousVersion =
      flags.previous === undefined
        ? undefined
        : checked('--previous', flags.previous, VERSION_PATTERN, 'must be a version (letters, digits, . _ + -)');
    deploys = [
      {
        service,
        environment,
        version,
        ...(previousVersion !== undefined ? { previousVersion } : {}),
        ...(flags.digest !== undefined ? { digest: parsed('--digest', flags.digest, digestSchema) } : {}),
        ...(flags.commit !== undefined ? { commit: parsed('--commit', flags.commit, commitSchema) } : {}),
      },
    ];
  }

  const local = flags.local === true;
  if (local && flags['state-machine'] !== undefined) {
    throw new ConfigError('--state-machine', flags['state-machine'], 'and --local name two places to judge; give one');
  }
  let target: DeployTarget;
  if (local) {
    if (flags.config === undefined) {
      throw new ConfigError('--config', undefined, 'is required with --local: the file that registers the services', {
        show: 'none',
      });
    }
    target = {
      kind: 'local',
      configPath: resolve(cwd, flags.config),
      stateDir: resolve(cwd, flags['state-dir'] ?? DEFAULT_STATE_DIR),
    };
  } else {
    if (flags['state-dir'] !== undefined) {
      throw new ConfigError('--state-dir', flags['state-dir'], 'is for --local; the stack keeps its own state table');
    }
    const arn = flags['state-machine'] ?? env[DEPLOY_WORKFLOW_ARN_ENV];
    const field = flags['state-machine'] !== undefined ? '--state-machine' : DEPLOY_WORKFLOW_ARN_ENV;
    if (arn === undefined || arn === '') {
      throw new ConfigError(
        '--state-machine',
        undefined,
        `is required: the stack's DeployWorkflowArn output (or set ${DEPLOY_WORKFLOW_ARN_ENV}), or --local --config FILE`,
        { show: 'none' },
      );
    }
    if (!STATE_MACHINE_ARN_PATTERN.test(arn))
      throw new ConfigError(field, arn, 'must be a Step Functions state machine ARN');
    target = { kind: 'aws', stateMachineArn: arn };
  }
  if (flags.timeout !== undefined && flags.wait !== true && !local) {
    throw new ConfigError('--timeout', flags.timeout, 'bounds --wait; add --wait, or leave it out');
  }
  return {
    action: 'deploy',
    target,
    deploys,
    ...(flags.components !== undefined ? { componentsFile: flags.components } : {}),
    wait: local || flags.wait === true,
    timeoutMs: flags.timeout === undefined ? DEFAULT_WAIT_MS : duration(flags.timeout),
    concurrency: flags.concurrency === undefined ? DEFAULT_RELEASE_CONCURRENCY : concurrency(flags.concurrency),
    evidenceDir: resolve(cwd, flags['evidence-dir'] ?? DEFAULT_EVIDENCE_DIR),
    json: flags.json === true,
    ...(flags.config !== undefined ? { configPath: resolve(cwd, flags.config) } : {}),
  };
}

function readComponents(path: string): ComponentTag[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('--components', path, `cannot be read as JSON: ${errorMessageOf(error)}`, { cause: error });
  }
  return parseComponentTags(raw);
}

function deployOfComponent(component: ComponentTag, environment: string): DeployRequest {
  return {
    service: component.name,
    environment,
    version: component.tag,
    ...(component.digest !== undefined ? { digest: component.digest } : {}),
    ...(component.sha !== undefined ? { commit: component.sha } : {}),
  };
}

function checked(flag: string, value: string | undefined, pattern: RegExp, rule: string): string {
  if (value === undefined) throw new ConfigError(flag, value, 'is required');
  if (!pattern.test(value)) throw new ConfigError(flag, value, rule);
  return value;
}

function parsed(flag: string, value: string, schema: typeof digestSchema): string {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(flag, value, result.error.issues[0]?.message ?? 'is not valid');
  return result.data;
}

/** `90s`, `20m`, `2h`: a whole number and a unit, from a second to a day. */
function duration(value: string): number {
  const ms = durationMs(value, ['s', 'm', 'h']);
  if (ms === undefined) throw new ConfigError('--timeout', value, 'must be a whole number and a unit: 90s, 20m or 2h');
  if (ms < 1_000 || ms > MAX_WAIT_MS) throw new ConfigError('--timeout', value, 'must be from 1s to 24h');
  return ms;
}

function concurrency(value: string): number {
  const count = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(count >= 1 && count <= MAX_RELEASE_CONCURRENCY)) {
    throw new ConfigError('--concurrency', value, `must be a whole number from 1 to ${MAX_RELEASE_CONCURRENCY}`);
  }
  return count;
}
