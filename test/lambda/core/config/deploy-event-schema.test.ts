// Deploy events: what a valid envelope or direct invoke becomes, and how each bad field is reported (by the name the
// sender wrote: `detail.service` in an envelope, `service` in a direct invoke).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from '../../../../lambda/core/config/config-schema.ts';
import { parseDeployEvent, type DeployEvent } from '../../../../lambda/core/config/deploy-event-schema.ts';
import { ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';

const INVOCATION = { invocationId: '9b2e6a10-2f4c-4e0e-8a55-6f1d9c1a0b7e' };

const DETAIL = {
  service: 'checkout',
  environment: 'prod',
  version: '1.4.2',
  urls: ['https://checkout.example.com/health'],
};

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
      gateConfig: {
        targets: [{ url: 'https://checkout.example.com/health' }],
        expectedVersion: '1.4.2',
        timeoutMs: DEFAULT_TIMEOUT_MS,
        retries: DEFAULT_RETRIES,
        backoffMs: DEFAULT_BACKOFF_MS,
        concurrency: 256,
        maxBodyBytes: 65_536,
        failOnSkipped: false,
      },
      rollbackTarget: undefined,
      origin: { kind: 'eventbridge', eventId: 'c6a1f3f0-1d52-4a47-b4b1-0f3e5e0c2c11' },
    });
  });

  it('the detail alone from a direct invoke, identified by the invocation id', () => {
    const parsed = parseDeployEvent(DETAIL, INVOCATION);

    expect(parsed.eventId).toBe(INVOCATION.invocationId);
    expect(parsed.deploy.event_id).toBe(INVOCATION.invocationId);
    expect(parsed.origin).toEqual({ kind: 'direct' });
  });

  const TARGET = {
    url: 'https://a.example.com/health',
    headers: { Authorization: { ssm: '/rollgate/checkout/token' } },
    expect: { status: [200] },
  };
  it.each<[string, Record<string, unknown>, (parsed: DeployEvent) => unknown, unknown]>([
    [
      'an expected version other than the deployed one',
      { expectedVersion: '1.4.2+build.7' },
      (p) => p.gateConfig.expectedVersion,
      '1.4.2+build.7',
    ],
    [
      'probe settings',
      { timeoutMs: 1500, retries: 0, backoffMs: 0 },
      (p) => [p.gateConfig.timeoutMs, p.gateConfig.retries, p.gateConfig.backoffMs],
      [1500, 0, 0],
    ],
    [
      'targets with their own expectations and secret headers',
      { urls: undefined, targets: [TARGET] },
      (p) => p.gateConfig.targets,
      [TARGET],
    ],
    [
      'instance ids to roll back, each once',
      { rollback: { instanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef0', 'i-0fedcba9'] } },
      (p) => p.rollbackTarget,
      { instanceIds: ['i-0123456789abcdef0', 'i-0fedcba9'] },
    ],
    [
      'tags to roll back by',
      { rollback: { tags: { 'rollgate:service': 'checkout', tier: 'web' } } },
      (p) => p.rollbackTarget,
      { tags: { 'rollgate:service': 'checkout', tier: 'web' } },
    ],
    ['50 instance ids', { rollback: { instanceIds: ids(50) } }, (p) => p.rollbackTarget, { instanceIds: ids(50) }],
  ])('%s', (_name, fields, pick, expected) => {
    expect(pick(parseDeployEvent(envelope({ ...DETAIL, ...fields }), INVOCATION))).toEqual(expected);
  });
});

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
    ['urls and targets together', { ...DETAIL, targets: [{ url: 'https://b.example.com/' }] }, [['urls', DETAIL.urls]]],
    ['neither urls nor targets', { ...DETAIL, urls: undefined }, [['urls', undefined]]],
    ['an empty url list', { ...DETAIL, urls: [] }, [['urls', []]]],
    ['a url that is not http(s)', { ...DETAIL, urls: ['file:///etc/passwd'] }, [['urls[0]', 'file:///etc/passwd']]],
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
    expect(() => parseDeployEvent(DETAIL, { invocationId: 'a b' })).toThrow(/^invocationId: /);
  });
});
