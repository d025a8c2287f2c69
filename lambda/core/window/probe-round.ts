// One round of probes over a GateConfig's targets, set up the way runGate sets up its single round: headers resolved
// through the secret source, a redactor for every resolved value and URL credential, the config's probe settings, and
// the fan-out bounded by its concurrency. Prepared once per window, probed once per round.

import type { GateConfig } from '../config/config-schema.ts';
import type { SecretSource } from '../gate/ports.ts';
import { probeTarget, type AddressPolicy, type ProbeSettings, type TargetResult } from '../probe/probe.ts';
import { mapBounded } from '../probe/run-bounded.ts';
import { createRedactor, secretsOfUrl, type Redactor } from '../secrets/redact.ts';
import { resolveHeaders } from '../secrets/resolve-headers.ts';

export interface RoundProbeOptions {
  readonly secrets?: SecretSource;
  /** Chosen by the shell, never by config or events. @default CLI_ADDRESS_POLICY */
  readonly addressPolicy?: AddressPolicy;
  /** Ends the round's probes at once when aborted. */
  readonly interrupt?: AbortSignal | undefined;
}

export interface RoundProbe {
  /** Scrubs every secret this window sends; for anything else the caller records (errors, rollback output). */
  readonly redactor: Redactor;
  readonly settings: ProbeSettings;
  /** Probes every target once (with the config's retries), results in target order, already redacted. */
  probe(): Promise<TargetResult[]>;
}

/**
 * Resolves the targets' headers once for the whole window. Throws ConfigError (naming the target header) when a secret
 * cannot be read, as runGate's resolveHeaders does.
 */
export async function prepareRoundProbe(config: GateConfig, options: RoundProbeOptions = {}): Promise<RoundProbe> {
  const headers = await resolveHeaders(config.targets, options.secrets);
  // Credentials written into target URLs are secrets too, wherever a server echoes them.
  const urlSecrets = config.targets.flatMap((target) => secretsOfUrl(target.url));
  const redactor = createRedactor([...headers.secretValues, ...urlSecrets]);
  const settings: ProbeSettings = {
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: config.backoffMs,
    maxBodyBytes: config.maxBodyBytes,
    expectedVersion: config.expectedVersion,
    ...(options.addressPolicy !== undefined ? { addressPolicy: options.addressPolicy } : {}),
    ...(options.interrupt !== undefined ? { interrupt: options.interrupt } : {}),
  };
  return {
    redactor,
    settings,
    probe: () =>
      mapBounded(config.targets, config.concurrency, (target, index) =>
        probeTarget(target, headers.perTarget[index] ?? {}, settings, redactor),
      ),
  };
}
