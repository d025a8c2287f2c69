// The watch window's policy: how long a deploy (and the verification after a rollback) is watched, how often it is
// probed, how many rounds in a row decide it and how long it must run before it may pass (the bake). One schema for a
// service's registration, the CLI and events; an event's request changes a registered policy only through
// shortenPolicy, which lets it be stricter or shorter.

import * as z from 'zod/mini';
import { parseWithSchema } from '../config/config-schema.ts';
import { ConfigError, ConfigErrors } from '../errors.ts';

export const DEFAULT_WINDOW_SECONDS = 300;
export const DEFAULT_INTERVAL_SECONDS = 10;
export const DEFAULT_WARMUP_SECONDS = 0;
export const DEFAULT_SUCCESS_THRESHOLD = 2;
export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_VERIFY_SECONDS = 120;
/**
 * A service that breaks 40 s after its deploy must not pass on two healthy rounds at 0 s and 10 s: with the defaults a
 * pass is decided no earlier than a minute in, by which time such a failure has shown.
 */
export const DEFAULT_BAKE_SECONDS = 60;

/** A whole number from `min` to `max`, both included. */
const wholeNumber = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** Each field's bounds, shared by the registered policy (with defaults) and an event's request (without). */
const policyFields = {
  /** How long a deploy is watched before it fails for not passing. @default 300 */
  windowSeconds: wholeNumber(10, 3600),
  /** From the start of one round to the start of the next. @default 10 */
  intervalSeconds: wholeNumber(1, 300),
  /** Rounds that start earlier than this may pass the deploy but never count toward failing it. @default 0 */
  warmupSeconds: wholeNumber(0, 1800),
  /** Healthy rounds in a row that pass. @default 2 */
  successThreshold: wholeNumber(1, 50),
  /** Failing rounds in a row, after the warm-up, that fail. @default 3 */
  failureThreshold: wholeNumber(1, 50),
  /** The window of the verification after a rollback, with the same interval, warm-up and thresholds. @default 120 */
  verifySeconds: wholeNumber(10, 3600),
  /** No pass is decided by a round that starts earlier than this; 0 lets the first streak pass. @default 60 */
  bakeSeconds: wholeNumber(0, 1800),
};

type PolicyField = keyof typeof policyFields;

export const windowPolicySchema = z
  .strictObject({
    windowSeconds: z._default(policyFields.windowSeconds, DEFAULT_WINDOW_SECONDS),
    intervalSeconds: z._default(policyFields.intervalSeconds, DEFAULT_INTERVAL_SECONDS),
    warmupSeconds: z._default(policyFields.warmupSeconds, DEFAULT_WARMUP_SECONDS),
    successThreshold: z._default(policyFields.successThreshold, DEFAULT_SUCCESS_THRESHOLD),
    failureThreshold: z._default(policyFields.failureThreshold, DEFAULT_FAILURE_THRESHOLD),
    verifySeconds: z._default(policyFields.verifySeconds, DEFAULT_VERIFY_SECONDS),
    bakeSeconds: z._default(policyFields.bakeSeconds, DEFAULT_BAKE_SECONDS),
  })
  .check(
    z.superRefine((policy, ctx) => {
      // A field out of its own bounds is reported as such; combining it with the others would only add noise.
      if (ctx.issues.length > 0) return;
      for (const problem of windowPolicyProblems(policy)) ctx.addIssue({ code: 'custom', ...problem });
    }),
  );

/** What an event may ask for: any of the fields, each within its bounds; shortenPolicy decides if it may have it. */
export const windowPolicyRequestSchema = z.strictObject({
  windowSeconds: z.optional(policyFields.windowSeconds),
  intervalSeconds: z.optional(policyFields.intervalSeconds),
  warmupSeconds: z.optional(policyFields.warmupSeconds),
  successThreshold: z.optional(policyFields.successThreshold),
  failureThreshold: z.optional(policyFields.failureThreshold),
  verifySeconds: z.optional(policyFields.verifySeconds),
  bakeSeconds: z.optional(policyFields.bakeSeconds),
});

export type WindowPolicy = z.infer<typeof windowPolicySchema>;
export type WindowPolicyInput = z.input<typeof windowPolicySchema>;
export type WindowPolicyRequest = z.infer<typeof windowPolicyRequestSchema>;

interface PolicyProblem {
  readonly path: [PolicyField];
  readonly message: string;
  readonly input: number;
}

/**
 * Combinations that make a window meaningless: a warm-up as long as the window (nothing could ever fail it), or a
 * success streak or a bake that cannot fit (it could never pass). Both windows are checked: the verification reuses
 * the rest.
 */
function windowPolicyProblems(policy: WindowPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const windows = [
    ['windowSeconds', policy.windowSeconds],
    ['verifySeconds', policy.verifySeconds],
  ] as const;
  for (const [name, seconds] of windows) {
    if (policy.warmupSeconds >= seconds) {
      const message = `must be shorter than ${name} (${seconds})`;
      problems.push({ path: ['warmupSeconds'], message, input: policy.warmupSeconds });
    }
    // The first round starts at 0 s, so a streak of n rounds needs (n - 1) intervals before the window ends.
    const streakSeconds = (policy.successThreshold - 1) * policy.intervalSeconds;
    if (streakSeconds >= seconds) {
      const message = `needs ${streakSeconds} s of rounds ${policy.intervalSeconds} s apart, which do not fit in ${name} (${seconds}): the window could never pass`;
      problems.push({ path: ['successThreshold'], message, input: policy.successThreshold });
      continue;
    }
    // The first round that may pass is the first to start at or after the bake, rounds being an interval apart.
    const firstPassAt = Math.ceil(policy.bakeSeconds / policy.intervalSeconds) * policy.intervalSeconds;
    if (firstPassAt >= seconds) {
      const message = `must leave a round before ${name} (${seconds}) ends: the first round that may pass starts at ${firstPassAt} s, so the window could never pass`;
      problems.push({ path: ['bakeSeconds'], message, input: policy.bakeSeconds });
    }
  }
  return problems;
}

/** Validates a registered or CLI policy, filling defaults. Throws ConfigError or ConfigErrors naming `field.<name>`. */
export function parseWindowPolicy(raw: unknown, field = 'window'): WindowPolicy {
  const given = raw ?? {};
  return parseWithSchema(windowPolicySchema, given, labelsUnder(field, given), field);
}

/** Which way a request may move each field: the direction that makes the gate stricter or shorter. */
const ALLOWED_CHANGE: { readonly [F in PolicyField]: 'lower' | 'raise' | 'none' } = {
  windowSeconds: 'lower',
  warmupSeconds: 'lower',
  verifySeconds: 'lower',
  failureThreshold: 'lower',
  successThreshold: 'raise',
  bakeSeconds: 'raise',
  // A shorter interval passes on less observed health; a longer one notices a failure later. Neither is stricter.
  intervalSeconds: 'none',
};

const REFUSED_BECAUSE: { readonly [F in PolicyField]: string } = {
  windowSeconds: 'a longer window holds the deploy longer',
  warmupSeconds: 'a longer warm-up ignores failures longer',
  verifySeconds: 'a longer verification holds the rollback longer',
  failureThreshold: 'more failing rounds in a row would fail later',
  successThreshold: 'fewer healthy rounds in a row would pass more easily',
  bakeSeconds: 'a shorter bake passes a deploy before a late failure has had time to show',
  intervalSeconds: 'a shorter interval passes on less observed health, a longer one notices failure later',
};

/**
 * The policy a deploy runs under when its event asks for `requested`: an event may only make the gate stricter or
 * shorter, never more lenient or longer. It may shorten the window, the warm-up and the verification, lower the
 * failure threshold, raise the success threshold and lengthen the bake; it may not change the interval. Anything else, and a result
 * that no longer makes sense (a warm-up left longer than a shortened window), throws ConfigError or ConfigErrors
 * naming `field.<name>` and the value asked for.
 */
export function shortenPolicy(
  registered: WindowPolicy,
  requested: WindowPolicyRequest | undefined,
  field = 'window',
): WindowPolicy {
  const errors: ConfigError[] = [];
  const merged: Record<PolicyField, number> = { ...registered };
  for (const name of Object.keys(ALLOWED_CHANGE) as PolicyField[]) {
    const asked = requested?.[name];
    if (asked === undefined) continue;
    const current = registered[name];
    const allowed = ALLOWED_CHANGE[name];
    const refused = allowed === 'none' ? asked !== current : allowed === 'lower' ? asked > current : asked < current;
    if (refused) {
      errors.push(new ConfigError(`${field}.${name}`, asked, refusal(name, current)));
    }
    merged[name] = asked;
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new ConfigErrors(errors);
  return parseWithSchema(windowPolicySchema, merged, labelsUnder(field), field);
}

function refusal(name: PolicyField, registered: number): string {
  const allowed = ALLOWED_CHANGE[name];
  const may = allowed === 'none' ? 'must equal' : allowed === 'lower' ? 'may be at most' : 'may be no lower than';
  return `${may} the registered ${registered}: an event may make the gate stricter or shorter, never more lenient or longer (${REFUSED_BECAUSE[name]})`;
}

/** The verification after a rollback: the same rules over `verifySeconds`. */
export function verificationPolicy(policy: WindowPolicy): WindowPolicy {
  return { ...policy, windowSeconds: policy.verifySeconds };
}

/** Error labels `field.<key>` for every key a policy has or `raw` brings (a policy is one level deep). */
function labelsUnder(field: string, raw: unknown = {}): Record<string, string> {
  const keys = new Set(Object.keys(policyFields));
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) for (const key of Object.keys(raw)) keys.add(key);
  return Object.fromEntries([...keys].map((name) => [name, `${field}.${name}`]));
}
