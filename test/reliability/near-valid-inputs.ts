// Arbitraries for the parser fuzz tests: valid gate configs, deploy events and monitor inputs, mutations of them
// (a field replaced by garbage, deleted, stringified, wrapped, or a key added), garbage of every JSON and non-JSON kind,
// and planted secrets in the places an error must never quote: header values, URL passwords and query tokens.

import fc from 'fast-check';

const SECRET_ALPHABET = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

/** A random credential of 12-32 letters and digits, as a planted secret. */
export const secretArb = fc.string({ unit: fc.constantFrom(...SECRET_ALPHABET), minLength: 12, maxLength: 32 });

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 0;
  for (let level = 0; level < depth; level += 1) value = wrap(value);
  return value;
}

/** Input nested deeper than the call stack (JSON.stringify overflows at a few thousand levels), built once. */
const DEEP_ARRAY = nested(20_000, (inner) => [inner]);
const DEEP_OBJECT = nested(20_000, (inner) => ({ a: inner }));

export const oddStringArb = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\r\n',
    '\ufeff',
    'NaN',
    'Infinity',
    '-0',
    '1e3',
    '0x10',
    ' 5 ',
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Garbage of every kind a JSON event or file can hold, and some it cannot (NaN, BigInt, depth beyond the stack). */
export const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: oddStringArb },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(Number.NaN, Infinity, -Infinity, -0, 1e308, 2 ** 53 + 1, 0.5, -1, 1e-7),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, [], {}, DEEP_ARRAY, DEEP_OBJECT) },
  { weight: 1, arbitrary: fc.bigInt() },
);

const urlArb = fc.constantFrom(
  'http://127.0.0.1:8080/health',
  'https://api.example.com/ready?page=2',
  'http://[::1]:9/x',
  'https://svc.internal/health#frag',
);
const versionArb = fc.constantFrom('1.4.2', 'v2.0.0-rc1', '2026.01.07+build.5');
const nameArb = fc.constantFrom('checkout', 'api-gw', 'svc_1.web');

const headerValueArb = fc.oneof(
  fc.constantFrom('Bearer abc', 'x', 'Bearer ${HEALTH_TOKEN}'),
  fc.record({ env: fc.constantFrom('HEALTH_TOKEN', 'API_KEY') }),
  fc.record({ ssm: fc.constantFrom('/rollgate/prod/token') }),
);

const targetArb = fc.record(
  {
    url: urlArb,
    name: fc.constantFrom('api', 'web'),
    headers: fc.dictionary(fc.constantFrom('Authorization', 'X-Api-Key', 'accept'), headerValueArb, { maxKeys: 2 }),
    expect: fc.record(
      {
        status: fc.constantFrom<Array<number | string>>(['200-299'], [200, 304], ['503']),
        version: versionArb,
        maxLatencyMs: fc.integer({ min: 1, max: 600_000 }),
        bodyContains: fc.constantFrom('ok', '"status"'),
        healthStatus: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['url'] },
);

const probeSettings = {
  expectedVersion: versionArb,
  timeoutMs: fc.integer({ min: 1, max: 120_000 }),
  retries: fc.integer({ min: 0, max: 10 }),
  backoffMs: fc.integer({ min: 0, max: 30_000 }),
  concurrency: fc.integer({ min: 1, max: 512 }),
  maxBodyBytes: fc.integer({ min: 1024, max: 1024 * 1024 }),
};

export const gateConfigArb = fc.record(
  {
    targets: fc.array(targetArb, { maxLength: 3 }),
    ...probeSettings,
    failOnSkipped: fc.boolean(),
    rollback: fc.record(
      { command: fc.constantFrom('./rollback.sh', 'echo undo'), timeoutMs: fc.integer({ min: 1, max: 3_600_000 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['targets'] },
);

const probeListArb = fc.oneof(
  fc.record({ urls: fc.array(urlArb, { minLength: 1, maxLength: 3 }) }),
  fc.record({ targets: fc.array(targetArb, { minLength: 1, maxLength: 3 }) }),
);

const deployDetailArb = fc
  .tuple(
    fc.record(
      {
        service: nameArb,
        environment: fc.constantFrom('prod', 'staging'),
        version: versionArb,
        previousVersion: versionArb,
        digest: fc.constant(`sha256:${'a'.repeat(64)}`),
        commit: fc.constantFrom('abc1234', 'deadbeefcafe'),
        rollback: fc.oneof(
          fc.record({ instanceIds: fc.constant(['i-0123456789abcdef0']) }),
          fc.record({ tags: fc.constant({ Role: 'web' }) }),
        ),
        ...probeSettings,
      },
      { requiredKeys: ['service', 'environment', 'version'] },
    ),
    probeListArb,
  )
  .map(([detail, probes]) => ({ ...detail, ...probes }));

/** A deploy event: an EventBridge envelope or the detail alone (a direct invoke). */
export const deployEventArb: fc.Arbitrary<unknown> = fc.oneof(
  deployDetailArb,
  deployDetailArb.map((detail) => ({
    version: '0',
    id: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11',
    'detail-type': 'Deployment Completed',
    source: 'rollgate.deploy',
    detail,
  })),
);

export const monitorInputArb: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.record(
      {
        monitor: nameArb,
        rollbackOnFailure: fc.boolean(),
        service: nameArb,
        environment: fc.constantFrom('prod', 'staging'),
        ...probeSettings,
      },
      { requiredKeys: ['monitor'] },
    ),
    probeListArb,
  )
  .map(([monitor, probes]) => ({ ...monitor, ...probes }));

interface Mutation {
  readonly at: number;
  readonly kind: 'replace' | 'delete' | 'add' | 'stringify' | 'wrap';
  readonly key: string;
  readonly garbage: unknown;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'add', 'stringify', 'wrap'),
  key: fc.oneof(fc.constantFrom('url', 'headers', 'targets', 'timeoutMs', 'toString', 'detail', 'env'), fc.string()),
  garbage: garbageArb,
});

/** `base` with 1-3 mutations at random places, or (1 time in 8) garbage instead of it. */
export function mutated(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 7, arbitrary: fc.tuple(base, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(applyMutations) },
    { weight: 1, arbitrary: garbageArb },
  );
}

type Slot = { readonly parent: Record<string, unknown> | unknown[]; readonly key: string | number };

function applyMutations([value, mutations]: [unknown, readonly Mutation[]]): unknown {
  const root = { value: structuredClone(value) };
  // The slots of the clean value, listed once: a later mutation may touch a detached part, never walk garbage.
  const slots = slotsOf(root);
  for (const mutation of mutations) {
    const slot = slots[mutation.at % slots.length]!;
    const parent = slot.parent as Record<string | number, unknown>;
    const current = parent[slot.key];
    switch (mutation.kind) {
      case 'replace':
        parent[slot.key] = mutation.garbage;
        break;
      case 'delete':
        if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
        else delete parent[slot.key];
        break;
      case 'add':
        // defineProperty, as JSON.parse does: a key named `__proto__` becomes an own key, not a new prototype.
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
          Object.defineProperty(current, mutation.key, {
            value: mutation.garbage,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        break;
      case 'stringify':
        // An earlier mutation may have added a `toString` key that is not a function.
        parent[slot.key] = typeof current === 'object' && current !== null ? '[object Object]' : String(current);
        break;
      case 'wrap':
        parent[slot.key] = [current];
        break;
    }
  }
  return root.value;
}

function slotsOf(root: { value: unknown }): Slot[] {
  const slots: Slot[] = [{ parent: root as Record<string, unknown>, key: 'value' }];
  const pending: unknown[] = [root.value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) {
      slots.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      pending.push(child);
    }
  }
  return slots;
}

/** A JSON file's text for any value; values JSON cannot hold (BigInt, depth beyond the stack) become a bare `{`. */
export function jsonTextOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '{';
  }
}

/** Adds an own prototype key (`__proto__` included) with `value` to the `at`-th object of `root`, or to root itself. */
export function plantKey(root: unknown, at: number, key: string, value: unknown): unknown {
  const copy = structuredClone(root);
  const objects: object[] = [];
  const pending: unknown[] = [copy];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node)) objects.push(node);
    pending.push(...Object.values(node));
  }
  const target = objects[at % objects.length] ?? copy;
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Where a planted secret goes: a rejected header value or a URL whose credentials a rejection would quote. */
export const plantedTargetArb = (secret: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    fc
      .constantFrom<unknown>(
        `Bearer ${secret}\n`,
        `${secret}\u0000`,
        [`Bearer ${secret}`],
        { env: `${secret}-X` },
        { ssm: secret },
        { env: 'A', value: secret },
        `${secret}${'x'.repeat(8200)}`,
      )
      .map((value) => ({ url: 'http://127.0.0.1:9/health', headers: { Authorization: value } })),
    plantedUrlArb(secret).map((url) => ({ url })),
  );

export const plantedUrlArb = (secret: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    `ftp://ops:${secret}@files.example/`,
    `http://ops:${secret}@a.example:99999/`,
    `http://ops:${secret}@[bad/health`,
    `https://ops:${secret}@a exa mple/`,
    `gopher://a.example/?token=${secret}`,
    `gopher://a.example/h?page=1&code=${secret}`,
    `file:///x?api_key=${secret}`,
    `http://[bad/?X-Amz-Signature=${secret}`,
    `mailto://a.example/#access_token=${secret}`,
  );
