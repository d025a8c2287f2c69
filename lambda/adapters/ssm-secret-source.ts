// Header secrets in Lambda: SecureString parameters under /rollgate/, read through Powertools Parameters and cached
// for the life of the container, so a warm function does not call SSM on every run. A rotated secret is picked up
// by the next container (a configuration change or a cold start). Values are returned, never logged.
//
// Environment references are refused outright: a deploy event could otherwise send `${AWS_SECRET_ACCESS_KEY}` in a
// header and have the function post its own credentials to any URL it names.

import type { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretResolveError, describeError, errorNameOf } from '../core/errors.ts';
import type { SecretSource } from '../core/gate/ports.ts';

/** The only path the function's role may read (ssm:GetParameter on parameter/rollgate/*). */
export const SECRET_PARAMETER_PREFIX = '/rollgate/';
/** Longer than any Lambda container lives: cached until the container goes. */
const CONTAINER_LIFETIME_SECONDS = 365 * 24 * 60 * 60;

export interface SsmSecretSourceOptions {
  /** The caller's client, so endpoint, region and credentials are the caller's. */
  readonly client: SSMClient;
}

export class SsmSecretSource implements SecretSource {
  private readonly provider: SSMProvider;

  public constructor(options: SsmSecretSourceOptions) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.client });
  }

  public async resolve(reference: { readonly env: string } | { readonly ssm: string }): Promise<string> {
    if ('env' in reference) {
      throw new SecretResolveError(
        `environment reference ${reference.env} is not allowed in Lambda (it could read the function's own ` +
          `credentials); store the secret as an SSM SecureString under ${SECRET_PARAMETER_PREFIX} and ` +
          'reference it with { "ssm": "<name>" }',
      );
    }
    const name = reference.ssm;
    if (!name.startsWith(SECRET_PARAMETER_PREFIX) || name.length === SECRET_PARAMETER_PREFIX.length) {
      throw new SecretResolveError(
        `SSM parameter ${name} is outside ${SECRET_PARAMETER_PREFIX}: ` +
          `the function may read parameters under ${SECRET_PARAMETER_PREFIX} only`,
      );
    }
    let value: string | undefined;
    try {
      value = await this.provider.get(name, { decrypt: true, maxAge: CONTAINER_LIFETIME_SECONDS });
    } catch (error) {
      // Powertools wraps the SDK's error; its cause carries the AWS name (ParameterNotFound, AccessDeniedException).
      const awsError = error instanceof Error && error.cause !== undefined ? error.cause : error;
      throw new SecretResolveError(`cannot read SSM parameter ${name}: ${describeError(awsError)}`, {
        cause: error,
        errorName: errorNameOf(awsError),
      });
    }
    if (value === undefined || value === '') {
      throw new SecretResolveError(`SSM parameter ${name} has no value`);
    }
    return value;
  }
}
