// The config file the CDK app reads: the shipped example is valid, and every bad field is reported by name and value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_FILE } from '../../lib/rollgate-app.ts';
import { loadRollgateConfig, parseRollgateConfig, RollgateConfigFileError } from '../../lib/rollgate-config.ts';
import { RollgateConfigError } from '../../lib/rollgate-config-error.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(input: unknown): Array<{ field: string; value: unknown; message: string }> {
  try {
    parseRollgateConfig(input, 'rollgate.config.json');
  } catch (error) {
    if (!(error instanceof RollgateConfigFileError)) throw error;
    return error.problems.map(({ field, value, message }) => ({ field, value, message }));
  }
  throw new Error('expected the config to be refused');
}

describe('the shipped example', () => {
  it('loads, with one monitor and an alert e-mail', () => {
    const config = loadRollgateConfig(EXAMPLE_CONFIG_FILE);
    expect(config.stackName).toBe('Rollgate');
    expect(config.monitors).toHaveLength(1);
    expect(config.alertEmails).toHaveLength(1);
  });
});

describe('bad fields', () => {
  it.each<[string, unknown, string, unknown, RegExp]>([
    [
      'a monitor name with a space',
      { monitors: [{ name: 'checkout prod', urls: ['https://x'] }] },
      'monitors[0].name',
      'checkout prod',
      /must be 1-64 letters/,
    ],
    [
      'a misspelt setting',
      { evidence: { checksExpiryDays: 10 } },
      'evidence.checksExpiryDays',
      10,
      /is not a known field/,
    ],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 45 }, 'logRetentionDays', 45, /must be one of/],
    ['a string where a number belongs', { memorySize: '256' }, 'memorySize', '256', /must be a number/],
    [
      'a bad schedule',
      { monitors: [{ name: 'm', urls: ['https://x'], schedule: 'every 5 minutes' }] },
      'monitors[0].schedule',
      'every 5 minutes',
      /EventBridge schedule/,
    ],
    ['a bad e-mail', { alertEmails: ['oncall'] }, 'alertEmails[0]', 'oncall', /e-mail/],
    [
      'a Powertools source other than layer or bundled',
      { powertools: 'latest' },
      'powertools',
      'latest',
      /must be one of "layer", "bundled"/,
    ],
    ['a topic that is not an ARN', { alertTopicArn: 'alerts' }, 'alertTopicArn', 'alerts', /SNS topic ARN/],
    [
      'expiry before the Glacier transition',
      { evidence: { deploysExpirationDays: 30 } },
      'evidence.deploysExpirationDays',
      30,
      /later than/,
    ],
    [
      'a misspelt expectation in a monitor target',
      { monitors: [{ name: 'm', targets: [{ url: 'https://x.example', expect: { statuss: [200] } }] }] },
      'monitors[0].targets[0].expect.statuss',
      [200],
      /is not a known field/,
    ],
    [
      'a service registration with a field it does not have',
      {
        services: [
          { service: 'web', environment: 'prod', targets: [{ url: 'https://x.example' }], rollbackMode: 'off' },
        ],
      },
      'services[0].rollbackMode',
      'off',
      /is not a known field/,
    ],
    [
      'a probe budget timeout beyond the gate limit',
      {
        services: [
          {
            service: 'web',
            environment: 'prod',
            targets: [{ url: 'https://x.example' }],
            probe: { timeoutMs: 500_000 },
          },
        ],
      },
      'services[0].probe.timeoutMs',
      500_000,
      /must be at most 120000/,
    ],
  ])('reports %s by field and value', (_case, input, field, value, message) => {
    const [problem] = problemsOf(input);
    expect(problem).toMatchObject({ field, value });
    expect(problem!.message).toMatch(message);
    expect(problem!.message).toContain(JSON.stringify(value));
  });

  it('reports every problem at once, one line each, naming the file', () => {
    try {
      parseRollgateConfig({ memorySize: 1, logLevel: 'LOUD' }, 'rollgate.config.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RollgateConfigError);
      const lines = (error as Error).message.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^rollgate\.config\.json: memorySize: .* \(got 1\)$/);
      expect(lines[1]).toMatch(/^rollgate\.config\.json: logLevel: .* \(got "LOUD"\)$/);
    }
  });
});

describe('unreadable files', () => {
  it('says the file is not JSON, without a stack trace in the message', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "monitors": [ }');
    expect(() => loadRollgateConfig(file)).toThrow(/^broken\.json: \(file\): is not valid JSON/);
  });

  it('says the file cannot be read', () => {
    expect(() => loadRollgateConfig(path.join(dir, 'missing.json'))).toThrow(
      /^missing\.json: \(file\): cannot be read/,
    );
  });
});
