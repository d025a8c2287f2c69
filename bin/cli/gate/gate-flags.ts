// The `rollgate gate` flags and their parsing (parseCommandFlags names a stray argument, an unknown flag, a switch
// given a value and a value flag given twice); a negative number is kept as the value it is meant to be.

import { parseCommandFlags } from '../parse-command-flags.ts';

export const GATE_FLAGS = {
  url: { type: 'string', multiple: true },
  'rollback-command': { type: 'string' },
  'rollback-timeout-ms': { type: 'string' },
  'expect-version': { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  'backoff-ms': { type: 'string' },
  concurrency: { type: 'string' },
  'fail-on-skipped': { type: 'boolean' },
  'evidence-dir': { type: 'string' },
  'dry-run': { type: 'boolean' },
  config: { type: 'string' },
  // A registered service of the --config file, gated with its targets, probe budget and rollback command; and with
  // --state-dir, the service whose deployed and known-good versions, rollback lock and pause the run keeps.
  service: { type: 'string' },
  environment: { type: 'string' },
  'state-dir': { type: 'string' },
  // The watch window (gate-window-options.ts): with --window the gate runs the deploy flow in-process.
  window: { type: 'string' },
  interval: { type: 'string' },
  warmup: { type: 'string' },
  bake: { type: 'string' },
  'success-threshold': { type: 'string' },
  'failure-threshold': { type: 'string' },
  verify: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type GateFlags = ReturnType<typeof parseGateFlags>;

/** Parses `rollgate gate` arguments. Throws ConfigError naming the argument or flag at fault. */
export function parseGateFlags(argv: readonly string[]) {
  return parseCommandFlags(joinNegativeValues(argv), GATE_FLAGS, 'rollgate gate');
}

/** `--timeout-ms -5` would read -5 as a flag; join it as `--timeout-ms=-5` so the schema can name the real problem. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    const takesValue = Object.hasOwn(GATE_FLAGS, name) && GATE_FLAGS[name as keyof typeof GATE_FLAGS].type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      index += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}
