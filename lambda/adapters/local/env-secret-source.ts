// Local secrets: header values that reference environment variables. SSM references need the Lambda's source.

import { SecretResolveError } from '../../core/errors.ts';
import type { SecretSource } from '../../core/gate/ports.ts';

export class EnvSecretSource implements SecretSource {
  public constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  public async resolve(reference: { readonly env: string } | { readonly ssm: string }): Promise<string> {
    if ('ssm' in reference) {
      throw new SecretResolveError(
        `SSM parameter ${reference.ssm} cannot be read by the local CLI; use an env reference`,
      );
    }
    const value = this.env[reference.env];
    if (value === undefined || value === '') {
      throw new SecretResolveError(`environment variable ${reference.env} is not set`);
    }
    return value;
  }
}
