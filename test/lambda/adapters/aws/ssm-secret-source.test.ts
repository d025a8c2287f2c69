// The SSM secret source against moto_server: SecureStrings under /rollgate/ resolve decrypted and are cached for the
// container's life; env references and parameters elsewhere are refused before any call to SSM.
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { SsmSecretSource } from '../../../../lambda/adapters/aws/ssm-secret-source.ts';
import { SecretResolveError, SecretStoreUnavailableError } from '../../../../lambda/core/errors.ts';
import { closedPort } from '../../../support/loopback-server.ts';
import { awsClientConfig, putSecureParameter, uniqueName } from '../../../support/aws-fixtures.ts';

/** An SSM client for moto that counts the GetParameter calls that actually go out. */
function countingClient(): { client: SSMClient; getParameterCalls: () => number } {
  const client = new SSMClient(awsClientConfig());
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetParameterCommand') calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countGetParameter' },
  );
  return { client, getParameterCalls: () => calls };
}

describe('SsmSecretSource against moto', () => {
  it('resolves a SecureString under /rollgate/ to its decrypted value', async () => {
    const name = `/rollgate/test/${uniqueName('token')}`;
    await putSecureParameter(name, 's3cr3t-token-value');
    const source = new SsmSecretSource({ client: countingClient().client });

    await expect(source.resolve({ ssm: name })).resolves.toBe('s3cr3t-token-value');
  });

  it('answers a second lookup from its cache without calling SSM again', async () => {
    const name = `/rollgate/test/${uniqueName('token')}`;
    await putSecureParameter(name, 'cached-secret-value');
    const { client, getParameterCalls } = countingClient();
    const source = new SsmSecretSource({ client });

    const first = await source.resolve({ ssm: name });
    const second = await source.resolve({ ssm: name });

    expect([first, second]).toEqual(['cached-secret-value', 'cached-secret-value']);
    expect(getParameterCalls()).toBe(1);
  });

  it("refuses an env reference, since it could read the function's own credentials, without calling SSM", async () => {
    const { client, getParameterCalls } = countingClient();
    const source = new SsmSecretSource({ client });

    const error = await source.resolve({ env: 'AWS_SECRET_ACCESS_KEY' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretResolveError);
    expect((error as Error).message).toMatch(/^environment reference AWS_SECRET_ACCESS_KEY is not allowed in Lambda/);
    expect((error as Error).message).not.toContain(process.env.AWS_SECRET_ACCESS_KEY ?? 'testing');
    expect(getParameterCalls()).toBe(0);
  });

  it.each(['/other/team/token', '/rollgate', '/rollgate/', '/rollgateX/token'])(
    'refuses parameter %s outside /rollgate/ without calling SSM',
    async (name) => {
      const { client, getParameterCalls } = countingClient();
      const source = new SsmSecretSource({ client });

      await expect(source.resolve({ ssm: name })).rejects.toThrow(
        /the function may read parameters under \/rollgate\/ only/,
      );
      expect(getParameterCalls()).toBe(0);
    },
  );

  it('reports a missing parameter as SecretResolveError ParameterNotFound', async () => {
    const source = new SsmSecretSource({ client: countingClient().client });
    const name = `/rollgate/test/${uniqueName('absent')}`;

    await expect(source.resolve({ ssm: name })).rejects.toMatchObject({
      name: 'SecretResolveError',
      errorName: 'ParameterNotFound',
      message: expect.stringContaining(`cannot read SSM parameter ${name}: ParameterNotFound`),
    });
  });

  it("reports SSM out of reach as SecretStoreUnavailableError, the prober's problem rather than the configuration's", async () => {
    const port = await closedPort();
    const client = new SSMClient({ ...awsClientConfig(), endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    const source = new SsmSecretSource({ client });

    const error = await source.resolve({ ssm: '/rollgate/test/unreachable' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretStoreUnavailableError);
    expect(error).toMatchObject({ errorName: expect.stringMatching(/ECONNREFUSED|Error/) });
    expect((error as Error).message).toContain('cannot read SSM parameter /rollgate/test/unreachable');
  });

  it('keeps a missing parameter a configuration problem, not an outage', async () => {
    const source = new SsmSecretSource({ client: countingClient().client });
    const error = await source.resolve({ ssm: `/rollgate/test/${uniqueName('absent')}` }).catch((caught) => caught);
    expect(error).toBeInstanceOf(SecretResolveError);
    expect(error).not.toBeInstanceOf(SecretStoreUnavailableError);
  });
});
