// Turns a target's header settings into the values sent on the wire. Secrets come from the SecretSource port
// (environment locally, SSM Parameter Store in Lambda); a string may embed `${NAME}` references. Resolved values
// are returned separately so they can be scrubbed from anything recorded.

import type { HeaderValue, TargetConfig } from '../config/config-schema.ts';
import { ConfigError, errorMessageOf } from '../errors.ts';
import type { SecretSource } from '../gate/ports.ts';

const TEMPLATE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** An Authorization-style value, `<scheme> <credentials>`: the credentials part. */
const AUTH_SCHEME_VALUE = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*\s+(\S.*)$/s;

export interface ResolvedHeaders {
  /** One record per target, in target order. */
  readonly perTarget: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Every header value sent, for the redactor. */
  readonly secretValues: readonly string[];
}

/** Resolves all targets' headers. Throws ConfigError naming the target header whose secret could not be read. */
export async function resolveHeaders(
  targets: readonly TargetConfig[],
  secrets: SecretSource | undefined,
): Promise<ResolvedHeaders> {
  const cache = new Map<string, Promise<string>>();
  const secretValues = new Set<string>();
  const perTarget: Array<Record<string, string>> = [];
  for (const [index, target] of targets.entries()) {
    const resolved: Record<string, string> = {};
    for (const [name, value] of Object.entries(target.headers ?? {})) {
      const field = `targets[${index}].headers.${name}`;
      const text = await resolveOne(value, field, secrets, cache);
      resolved[name] = text;
      secretValues.add(text);
      // `Bearer abc…` written out in the config: a service echoing the credentials without the scheme must be
      // scrubbed too, as it is for a template's reference.
      const credentials = AUTH_SCHEME_VALUE.exec(text)?.[1];
      if (credentials !== undefined) secretValues.add(credentials);
    }
    perTarget.push(resolved);
  }
  // A template such as `Bearer ${TOKEN}` sends more than the secret; a service echoing the bare token must be
  // scrubbed too, so every value a reference resolved to is a secret on its own.
  for (const pending of cache.values()) secretValues.add(await pending);
  return { perTarget, secretValues: [...secretValues] };
}

async function resolveOne(
  value: HeaderValue,
  field: string,
  secrets: SecretSource | undefined,
  cache: Map<string, Promise<string>>,
): Promise<string> {
  const lookup = (reference: { env: string } | { ssm: string }): Promise<string> => {
    const key = JSON.stringify(reference);
    let pending = cache.get(key);
    if (pending === undefined) {
      if (secrets === undefined) {
        pending = Promise.reject(new Error('no secret source is configured'));
      } else {
        pending = secrets.resolve(reference);
      }
      cache.set(key, pending);
    }
    return pending.catch((error: unknown) => {
      throw new ConfigError(field, reference, `secret could not be resolved: ${errorMessageOf(error)}`, {
        cause: error,
      });
    });
  };
  if (typeof value !== 'string') return lookup(value);
  const names = [...value.matchAll(TEMPLATE_REFERENCE)].map((match) => match[1]!);
  if (names.length === 0) return value;
  const values = new Map<string, string>();
  for (const name of names) values.set(name, await lookup({ env: name }));
  return value.replace(TEMPLATE_REFERENCE, (_match, name: string) => values.get(name) ?? '');
}
