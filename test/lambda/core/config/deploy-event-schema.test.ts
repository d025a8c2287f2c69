// Deploy events: what a valid envelope or direct invoke becomes, and how each bad field is reported (by the name the
// sender wrote: `detail.service` in an envelope, `service` in a direct invoke).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from '../../../../lambda/core/config/config-schema.ts';
import { parseDeployEvent, type DeployEvent } from '../../../../lambda/core/config/deploy-event-schema.ts';
import { parseRegistry } from '../../../../lambda/core/config/registry.ts';
import { ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';

/** checkout/prod probes its own target with a secret header; web/prod takes its targets from its events. */
const SECRET_TARGET = {
  url: 'https://checkout.example.com/health',
  headers: { Authorization: { ssm: '/rollgate/checkout/token' } },
};
const REGISTRY = parseRegistry({
  services: [
    { service: 'checkout', environment: 'prod', targets: [SECRET_TARGET] },
    { service: 'checkout', environment: 'staging', targets: [SECRET_TARGET], rollback: { mode: 'off' } },
    { service: 'web', environment: 'prod', eventTargets: 'allow', hosts: { tags: { app: 'web' } } },
  ],
});
const INVOCATION = { invocationId: '9b2e6a10-2f4c-4e0e-8a55-6f1d9c1a0b7e', registry: REGISTRY };

const DETAIL = { service: 'checkout', environment: 'prod', version: '1.4.2' };
const WEB = { service: 'web', environment: 'prod', version: '1.4.2', urls: ['https://web.example.com/health'] };

function envelope(detail: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11',
    'detail-type': 'Deployment Completed',
    source: 'rollgate.deploy',
    account: '123456789012',
    time: '2026-11-23T14:33:49Z',
    region: 'us-east-1',
    resources: [],
    detail,
    ...overrides,
  };
}

function ids(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `i-${String(index).padStart(8, '0')}`);
}

/** Every ConfigError thrown, as [field, value] pairs. */
function problemsOf(raw: unknown): Array<[string, unknown]> {
  try {
    parseDeployEvent(raw, INVOCATION);
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((e) => [e.field, e.value]);
    if (error instanceof ConfigError) return [[error.field, error.value]];
    throw error;
  }
  throw new Error('expected the event to be refused');
}

describe('parseDeployEvent accepts', () => {
  it('an EventBridge envelope: its id names the run, its detail the deploy and the probes', () => {
    const parsed = parseDeployEvent(
      envelope({ ...DETAIL, previousVersion: '1.4.1', commit: 'abc1234', digest: `sha256:${'a'.repeat(64)}` }),
      INVOCATION,
    );

    expect(parsed).toEqual({
      eventId: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11',
      deploy: {
        service: 'checkout',
        environment: 'prod',
        version: '1.4.2',
        previous_version: '1.4.1',
        commit: 'abc1234',
        digest: `sha256:${'a'.repeat(64)}`,
        event_id: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11',
      },
      service: REGISTRY.services[0],
      probeBudgetMs: 3 * DEFAULT_TIMEOUT_MS + 2 * DEFAULT_BACKOFF_MS,
      notes: [],
      gateConfig: {
        targets: [SECRET_TARGET],
        expectedVersion: '1.4.2',
        timeoutMs: DEFAULT_TIMEOUT_MS,
        retries: DEFAULT_RETRIES,
        backoffMs: DEFAULT_BACKOFF_MS,
        concurrency: 256,
        maxBodyBytes: 65_536,
        failOnSkipped: false,
      },
      rollback: {
        target: { tags: { 'rollgate:service': 'checkout', 'rollgate:environment': 'prod' } },
        requiredTags: { 'rollgate:service': 'checkout', 'rollgate:environment': 'prod' },
      },
      origin: { kind: 'eventbridge', eventId: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11' },
    });
  });

  it('the detail alone from a direct invoke, identified by the invocation id', () => {
    const parsed = parseDeployEvent(DETAIL, INVOCATION);

    expect(parsed.eventId).toBe(INVOCATION.invocationId);
    expect(parsed.deploy.event_id).toBe(INVOCATION.invocationId);
    expect(parsed.origin).toEqual({ kind: 'direct' });
  });

  it.each<[string, Record<string, unknown>, (parsed: DeployEvent) => unknown, unknown]>([
    [
      'an expected version other than the deployed one',
      { expectedVersion: '1.4.2+build.7' },
      (p) => p.gateConfig.expectedVersion,
      '1.4.2+build.7',
    ],
    [
      'probe settings that shorten the budget',
      { timeoutMs: 1500, retries: 0, backoffMs: 0 },
      (p) => [p.gateConfig.timeoutMs, p.gateConfig.retries, p.gateConfig.backoffMs, p.notes],
      [1500, 0, 0, []],
    ],
    [
      'probe settings past the budget, cut to it and noted',
      { timeoutMs: 120_000, retries: 10 },
      (p) => [p.gateConfig.timeoutMs, p.gateConfig.retries, p.probeBudgetMs, p.notes.length],
      [DEFAULT_TIMEOUT_MS, DEFAULT_RETRIES, 3 * DEFAULT_TIMEOUT_MS + 2 * DEFAULT_BACKOFF_MS, 2],
    ],
    [
      "instance ids to roll back, each once, held to the service's tags",
      { rollback: { instanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef0', 'i-0fedcba9'] } },
      (p) => p.rollback,
      {
        target: { instanceIds: ['i-0123456789abcdef0', 'i-0fedcba9'] },
        requiredTags: { 'rollgate:service': 'checkout', 'rollgate:environment': 'prod' },
      },
    ],
    ['50 instance ids', { rollback: { instanceIds: ids(50) } }, (p) => p.rollback?.target, { instanceIds: ids(50) }],
    ['no rollback for a service whose rollback is off', { environment: 'staging' }, (p) => p.rollback, undefined],
  ])('%s', (_name, fields, pick, expected) => {
    expect(pick(parseDeployEvent(envelope({ ...DETAIL, ...fields }), INVOCATION))).toEqual(expected);
  });

  it("an opted-in service's event targets, added to its registered ones, and its own host tags", () => {
    const parsed = parseDeployEvent(envelope(WEB), INVOCATION);

    expect(parsed.gateConfig.targets).toEqual([{ url: 'https://web.example.com/health' }]);
    expect(parsed.rollback?.target).toEqual({ tags: { app: 'web' } });
  });
});

describe('parseDeployEvent holds an event to its registration, and refuses', () => {
  it.each<[string, unknown, string, RegExp]>([
    [
      'a service the stack does not know',
      envelope({ ...DETAIL, service: 'billing' }),
      'detail.service',
      /not a service this stack knows/,
    ],
    [
      'an environment not registered for the service',
      { ...DETAIL, environment: 'qa' },
      'environment',
      /registered: prod, staging/,
    ],
    [
      'urls for a service that takes no targets from events',
      envelope({ ...DETAIL, urls: ['https://attacker.example/collect'] }),
      'detail.urls',
      /takes no targets from events/,
    ],
    [
      "an attacker's target with the service's secret header",
      envelope({ ...DETAIL, targets: [{ url: 'https://attacker.example/collect', headers: SECRET_TARGET.headers }] }),
      'detail.targets',
      /takes no targets from events/,
    ],
    [
      'headers on an event target, even where event targets are allowed',
      envelope({
        ...WEB,
        urls: undefined,
        targets: [{ url: 'https://attacker.example/', headers: SECRET_TARGET.headers }],
      }),
      'detail.targets[0].headers',
      /come only from the registered targets \(value withheld\)$/,
    ],
    [
      'allowPrivate on an event target',
      envelope({ ...WEB, urls: undefined, targets: [{ url: 'http://10.0.0.7/', allowPrivate: true }] }),
      'detail.targets[0].allowPrivate',
      /only a registered target may open private/,
    ],
    [
      'more event targets than the budget holds',
      envelope({ ...WEB, urls: Array.from({ length: 257 }, (_, index) => `https://web.example.com/${index}`) }),
      'detail.urls',
      /past web\/prod's registered budget/,
    ],
    [
      'tags to roll back by',
      envelope({ ...DETAIL, rollback: { tags: { 'rollgate:service': 'payments' } } }),
      'detail.rollback.tags',
      /registration says how its hosts are found/,
    ],
  ])('%s', (_name, raw, field, message) => {
    const error = captureConfigError(() => parseDeployEvent(raw, INVOCATION));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('/rollgate/checkout/token');
  });
});

function captureConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDeployEvent refuses', () => {
  it.each<[string, unknown, Array<[string, unknown]>]>([
    [
      'a service with a space (envelope)',
      envelope({ ...DETAIL, service: 'check out' }),
      [['detail.service', 'check out']],
    ],
    ['a service with a space (direct invoke)', { ...DETAIL, service: 'check out' }, [['service', 'check out']]],
    [
      'an environment that is a path',
      envelope({ ...DETAIL, environment: '../prod' }),
      [['detail.environment', '../prod']],
    ],
    ['a missing version', envelope({ ...DETAIL, version: undefined }), [['detail.version', undefined]]],
    ['a version with shell characters', { ...DETAIL, version: '1.4.2;reboot' }, [['version', '1.4.2;reboot']]],
    ['a previous version with a quote', { ...DETAIL, previousVersion: "1.4.1'" }, [['previousVersion', "1.4.1'"]]],
    ['urls and targets together', { ...WEB, targets: [{ url: 'https://b.example.com/' }] }, [['urls', WEB.urls]]],
    ['an empty url list', { ...WEB, urls: [] }, [['urls', []]]],
    ['a url that is not http(s)', { ...WEB, urls: ['file:///etc/passwd'] }, [['urls[0]', 'file:///etc/passwd']]],
    ['a command to run, which no event may carry', { ...DETAIL, command: 'rm -rf /' }, [['command', 'rm -rf /']]],
    [
      'a rollback command',
      { ...DETAIL, rollback: { command: './undo.sh' } },
      [
        ['rollback.command', './undo.sh'],
        ['rollback', {}],
      ],
    ],
    [
      'an instance id that is not one',
      { ...DETAIL, rollback: { instanceIds: ['i-xyz'] } },
      [['rollback.instanceIds[0]', 'i-xyz']],
    ],
    ['51 instance ids', { ...DETAIL, rollback: { instanceIds: ids(51) } }, [['rollback.instanceIds', ids(51)]]],
    [
      'instance ids and tags together',
      { ...DETAIL, rollback: { instanceIds: ['i-01234567'], tags: { a: 'b' } } },
      [['rollback', { instanceIds: ['i-01234567'], tags: { a: 'b' } }]],
    ],
    ['an empty tag set', { ...DETAIL, rollback: { tags: {} } }, [['rollback.tags', {}]]],
    ['an empty tag value', { ...DETAIL, rollback: { tags: { team: '' } } }, [['rollback.tags.team', '']]],
    ['a digest that is not one', { ...DETAIL, digest: 'latest' }, [['digest', 'latest']]],
    ['a timeout of zero', { ...DETAIL, timeoutMs: 0 }, [['timeoutMs', 0]]],
    ['an event id with a slash', envelope(DETAIL, { id: 'a/b' }), [['id', 'a/b']]],
    ['an envelope without detail-type', envelope(DETAIL, { 'detail-type': undefined }), [['detail-type', undefined]]],
    ['no event at all', null, [['event', null]]],
    ['a string', 'deploy checkout', [['event', 'deploy checkout']]],
  ])('%s', (_name, raw, expected) => {
    expect(problemsOf(raw)).toEqual(expected);
  });

  it('reports every bad field at once, each named', () => {
    expect(problemsOf(envelope({ ...DETAIL, service: 'a b', environment: '', retries: -1 }))).toEqual([
      ['detail.service', 'a b'],
      ['detail.environment', ''],
      ['detail.retries', -1],
    ]);
  });

  it('says what is wrong with the field and shows the value', () => {
    expect(() => parseDeployEvent(envelope({ ...DETAIL, service: 'check out' }), INVOCATION)).toThrow(
      'detail.service: must be 1-64 letters, digits, dots, dashes or underscores (got "check out")',
    );
  });

  it('a direct invoke whose invocation id cannot name its evidence', () => {
    expect(() => parseDeployEvent(DETAIL, { invocationId: 'a b', registry: REGISTRY })).toThrow(/^invocationId: /);
  });
});
