// Reads `rollgate evidence verify` flags once: whose chain (a service in an environment, or a monitor), how far back,
// where its records are (the stack's bucket, or a local evidence directory) and where its head is (the stack's table,
// or a local state directory). Every error names the flag and the value.

import { checkEvidencePrefix, deployEvidencePrefix } from '../../../lambda/adapters/evidence-key.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import { checkEvidenceChainKey, deployEvidenceChainKey, type StateKey } from '../../../lambda/core/state/state-keys.ts';
import { type EvidenceSource, sourceOf } from './evidence-options.ts';
import { parseSince } from './evidence-since.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';
import type { StateLocation } from '../state-location-flags.ts';
import { stateLocationOf } from '../state-location-flags.ts';

export type EvidenceVerifyOptions =
  | { readonly action: 'help' }
  | {
      readonly action: 'verify';
      /** `chain#deploys/<service>/<environment>` or `chain#checks/<monitor>`. */
      readonly chainKey: StateKey<'chain'>;
      readonly since?: Date;
      readonly source: EvidenceSource;
      readonly state: StateLocation;
      readonly json: boolean;
    };

const FLAGS = {
  service: { type: 'string' },
  environment: { type: 'string' },
  monitor: { type: 'string' },
  since: { type: 'string' },
  bucket: { type: 'string' },
  'evidence-dir': { type: 'string' },
  table: { type: 'string' },
  'state-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LABELS = { service: '--service', environment: '--environment', day: '--since', monitor: '--monitor' };

/** Parses and validates the flags after `verify`; `now` anchors `--since 7d`. Throws ConfigError naming the flag. */
export function readEvidenceVerifyOptions(argv: readonly string[], now: Date): EvidenceVerifyOptions {
  const flags = parseCommandFlags(argv, FLAGS, 'rollgate evidence verify');
  if (flags.help === true) return { action: 'help' };
  const { service, environment, monitor } = flags;
  let chainKey: StateKey<'chain'>;
  if (monitor !== undefined) {
    if (service !== undefined || environment !== undefined) {
      throw new ConfigError('--monitor', monitor, 'give --monitor, or --service with --environment, not both');
    }
    checkEvidencePrefix(monitor, LABELS);
    chainKey = checkEvidenceChainKey(monitor);
  } else {
    if (service === undefined && environment === undefined) {
      throw new ConfigError(
        '--service',
        service,
        'give --service with --environment, or --monitor: whose chain to verify',
      );
    }
    if (service === undefined) throw new ConfigError('--service', service, 'is required with --environment');
    if (environment === undefined) throw new ConfigError('--environment', environment, 'is required with --service');
    deployEvidencePrefix({ service, environment }, LABELS);
    chainKey = deployEvidenceChainKey(service, environment);
  }
  return {
    action: 'verify',
    chainKey,
    ...(flags.since !== undefined ? { since: parseSince(flags.since, now) } : {}),
    source: sourceOf(flags),
    state: stateLocationOf(flags),
    json: flags.json === true,
  };
}
