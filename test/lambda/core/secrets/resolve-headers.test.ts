import { describe, expect, it } from 'vitest';
import { EnvSecretSource } from '../../../../lambda/adapters/local/env-secret-source.ts';
import type { TargetConfig } from '../../../../lambda/core/config/config-schema.ts';
import { ConfigError } from '../../../../lambda/core/errors.ts';
import type { SecretSource } from '../../../../lambda/core/gate/ports.ts';
import { resolveHeaders } from '../../../../lambda/core/secrets/resolve-headers.ts';

const ENV = { HEALTH_TOKEN: 'tok-5e6f7a8b9c0d', TENANT: 'acme' };
const URL_A = 'http://a.example/health';

describe('resolveHeaders', () => {
  it.each([
    { name: 'a literal', value: 'application/json', sent: 'application/json', secrets: ['application/json'] },
    {
      name: 'a literal with an auth scheme, whose credentials a service may echo alone',
      value: 'Bearer lit-9a8b7c6d5e',
      sent: 'Bearer lit-9a8b7c6d5e',
      secrets: ['Bearer lit-9a8b7c6d5e', 'lit-9a8b7c6d5e'],
    },
    { name: 'an env reference', value: { env: 'HEALTH_TOKEN' }, sent: ENV.HEALTH_TOKEN, secrets: [ENV.HEALTH_TOKEN] },
    {
      name: 'a template',
      value: 'Bearer ${HEALTH_TOKEN}',
      sent: `Bearer ${ENV.HEALTH_TOKEN}`,
      secrets: [`Bearer ${ENV.HEALTH_TOKEN}`, ENV.HEALTH_TOKEN],
    },
    {
      name: 'a template with two references',
      value: '${TENANT}:${HEALTH_TOKEN}',
      sent: `acme:${ENV.HEALTH_TOKEN}`,
      secrets: [`acme:${ENV.HEALTH_TOKEN}`, 'acme', ENV.HEALTH_TOKEN],
    },
  ])(
    'sends $name as its resolved value and counts every resolved part as a secret',
    async ({ value, sent, secrets }) => {
      const resolved = await resolveHeaders(
        [{ url: URL_A, headers: { authorization: value } }],
        new EnvSecretSource(ENV),
      );
      expect(resolved.perTarget).toEqual([{ authorization: sent }]);
      expect([...resolved.secretValues].sort()).toEqual([...secrets].sort());
    },
  );

  it('keeps one header record per target, in target order', async () => {
    const targets: TargetConfig[] = [
      { url: URL_A, headers: { 'x-a': '1' } },
      { url: URL_A },
      { url: URL_A, headers: { 'x-c': '3' } },
    ];
    const resolved = await resolveHeaders(targets, undefined);
    expect(resolved.perTarget).toEqual([{ 'x-a': '1' }, {}, { 'x-c': '3' }]);
  });

  it('asks the secret source once per reference', async () => {
    const asked: string[] = [];
    const source: SecretSource = {
      resolve: async (reference) => {
        asked.push(JSON.stringify(reference));
        return 'value-123456';
      },
    };
    const targets: TargetConfig[] = Array.from({ length: 5 }, () => ({
      url: URL_A,
      headers: { authorization: { ssm: '/rollgate/token' } },
    }));
    await resolveHeaders(targets, source);
    expect(asked).toEqual(['{"ssm":"/rollgate/token"}']);
  });

  it.each<{
    name: string;
    headers: TargetConfig['headers'];
    source: SecretSource | undefined;
    field: string;
    says: string;
  }>([
    {
      name: 'a missing env variable',
      headers: { authorization: { env: 'MISSING' } },
      source: new EnvSecretSource(ENV),
      field: 'targets[1].headers.authorization',
      says: 'MISSING',
    },
    {
      name: 'a template naming a missing variable',
      headers: { 'x-key': 'k=${MISSING}' },
      source: new EnvSecretSource(ENV),
      field: 'targets[1].headers.x-key',
      says: 'MISSING',
    },
    {
      name: 'an ssm reference the local source cannot read',
      headers: { authorization: { ssm: '/a/b' } },
      source: new EnvSecretSource(ENV),
      field: 'targets[1].headers.authorization',
      says: '/a/b',
    },
    {
      name: 'a reference with no secret source',
      headers: { authorization: { env: 'HEALTH_TOKEN' } },
      source: undefined,
      field: 'targets[1].headers.authorization',
      says: 'no secret source',
    },
  ])('throws a ConfigError naming the header field for $name', async ({ headers, source, field, says }) => {
    const targets: TargetConfig[] = [{ url: URL_A }, { url: URL_A, headers }];
    const error = await resolveHeaders(targets, source).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toContain(says);
  });
});
