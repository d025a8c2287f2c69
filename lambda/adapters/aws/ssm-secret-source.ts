// Header secrets in Lambda: SecureString parameters under /rollgate/, read through Powertools Parameters and cached
// for the life of the container, so a warm function does not call SSM on every run. A rotated secret is picked up
// by the next container (a configuration change or a cold start). Values are returned, never logged.
//
// Environment references are refused outright: a deploy event could otherwise send `${AWS_SECRET_ACCESS_KEY}` in a
// header and have the function post its own credentials to any URL it names.

import type { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretResolveError, SecretStoreUnavailableError, describeError, errorNameOf } from '../../core/errors.ts';
import type { SecretSource } from '../../core/gate/ports.ts';

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
      const message = `cannot read SSM parameter ${name}: ${describeError(awsError)}`;
      const options = { cause: error, errorName: errorNameOf(awsError) };
      // SSM down or out of reach says nothing of the service; a missing parameter or a denied key is configuration.
      throw isStoreOutage(awsError)
        ? new SecretStoreUnavailableError(message, options)
        : new SecretResolveError(message, options);
    }
    if (value === undefined || value === '') {
      throw new SecretResolveError(`SSM parameter ${name} has no value`);
    }
    return value;
  }
}

/** Errors the SDK raises when it could not get an answer at all, or SSM could not give one: retry later, not fix. */
const OUTAGE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isStoreOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as {
    name?: unknown;
    code?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (fields.$fault === 'server') return true;
  if (typeof fields.$metadata?.httpStatusCode === 'number' && fields.$metadata.httpStatusCode >= 500) return true;
  if (typeof fields.name === 'string' && OUTAGE_NAMES.has(fields.name)) return true;
  return typeof fields.code === 'string' && NETWORK_CODES.has(fields.code);
}
