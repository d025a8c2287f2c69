// The secrets a Lambda leak scenario plants, and the inputs that carry them: a SecureString header from SSM, URL
// passwords, `?token=` and `#access_token=` values, a literal header value, a header value the schema rejects, a
// rejected ftp: URL, the function's own AWS credentials (referenced by a header, and quoted by an SSM error), and the
// targets that point the handler at a service echoing them all back.

import { randomBytes } from 'node:crypto';
import { awsServiceError } from '../lambda/handlers/handler-harness.ts';
import { plantSecret, type PlantedSecret } from './planted-secrets.ts';

export interface LambdaSecrets {
  readonly ssmHeader: PlantedSecret;
  readonly urlPassword: PlantedSecret;
  readonly queryToken: PlantedSecret;
  readonly fragmentToken: PlantedSecret;
  readonly hopToken: PlantedSecret;
  readonly hopPassword: PlantedSecret;
  readonly literalHeader: PlantedSecret;
  readonly eventUrlPassword: PlantedSecret;
  readonly eventUrlToken: PlantedSecret;
  readonly rejectedHeader: PlantedSecret;
  readonly ftpPassword: PlantedSecret;
  readonly awsSecretAccessKey: PlantedSecret;
  readonly awsSessionToken: PlantedSecret;
}

export function plantLambdaSecrets(handler: string): LambdaSecrets {
  return {
    ssmHeader: plantSecret(`SecureString header value from SSM (${handler})`),
    urlPassword: plantSecret(`URL password of a target (${handler})`, { suffix: '/+', user: 'ops' }),
    queryToken: plantSecret(`?token= of a target (${handler})`),
    fragmentToken: plantSecret(`#access_token= of a target (${handler})`),
    hopToken: plantSecret(`?token= of the redirecting target (${handler})`),
    hopPassword: plantSecret(`URL password of a redirecting target (${handler})`, { suffix: '+', user: 'ops' }),
    literalHeader: plantSecret(`literal header value (${handler})`),
    eventUrlPassword: plantSecret(`URL password of an event's own URL (${handler})`, { suffix: '/', user: 'ops' }),
    eventUrlToken: plantSecret(`?token= of an event's own URL (${handler})`),
    rejectedHeader: plantSecret(`header value the schema rejects (${handler})`),
    ftpPassword: plantSecret(`password of a rejected ftp: URL (${handler})`, { user: 'ops' }),
    awsSecretAccessKey: plantSecret(`the function's AWS_SECRET_ACCESS_KEY (${handler})`),
    awsSessionToken: plantSecret(`the function's AWS_SESSION_TOKEN (${handler})`),
  };
}

/** The function's credentials, as its environment holds them: the SDK signs every AWS call with them. */
export function credentialsEnvironment(secrets: LambdaSecrets): Record<string, string> {
  return {
    AWS_SECRET_ACCESS_KEY: secrets.awsSecretAccessKey.value,
    AWS_SESSION_TOKEN: secrets.awsSessionToken.value,
  };
}

/**
 * The targets of a run that probes a service echoing its credentials: one with a URL password, a `?token=`, an
 * `#access_token=` and an SSM header; one redirecting with a `?token=` and a literal Authorization header; one
 * redirecting with a URL password (its Basic credentials come back percent-encoded in the Location).
 */
export function echoedTargets(secrets: LambdaSecrets, origin: string, parameter: string): unknown[] {
  const { host } = new URL(origin);
  const password = (secret: PlantedSecret): string => `ops:${encodeURIComponent(secret.value)}`;
  return [
    {
      url: `http://${password(secrets.urlPassword)}@${host}/echo?token=${secrets.queryToken.value}#access_token=${secrets.fragmentToken.value}`,
      allowPrivate: true,
      headers: { 'x-api-key': { ssm: parameter } },
    },
    {
      url: `${origin}/hop?token=${secrets.hopToken.value}`,
      allowPrivate: true,
      headers: { authorization: `Bearer ${secrets.literalHeader.value}` },
    },
    { url: `http://${password(secrets.hopPassword)}@${host}/hop`, allowPrivate: true },
  ];
}

/** A target whose Authorization value holds a line break: the schema refuses it. */
export function rejectedHeaderTarget(secrets: LambdaSecrets, origin: string): unknown {
  return {
    url: `${origin}/echo`,
    allowPrivate: true,
    headers: { authorization: `Bearer ${secrets.rejectedHeader.value}\r\nX-Injected: 1` },
  };
}

export function rejectedFtpUrl(secrets: LambdaSecrets): string {
  return `ftp://ops:${secrets.ftpPassword.value}@files.example/`;
}

/**
 * SSM's answer when a request's signature does not match, as AWS words it: the canonical request it expected, which
 * quotes the caller's x-amz-security-token.
 */
export function signatureMismatch(sessionToken: string): Error {
  const message = [
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
      'and signing method. Consult the service documentation for details.',
    '',
    'The Canonical String for this request should have been',
    "'POST",
    '/',
    '',
    'content-type:application/x-amz-json-1.1',
    'host:ssm.us-east-1.amazonaws.com',
    'x-amz-date:20261123T101500Z',
    `x-amz-security-token:${sessionToken}`,
    'x-amz-target:AmazonSSM.GetParameter',
    '',
    'content-type;host;x-amz-date;x-amz-security-token;x-amz-target',
    `${randomBytes(32).toString('hex')}'`,
  ].join('\n');
  return awsServiceError('InvalidSignatureException', message);
}

/** A service registration in prod with a short probe budget (one 2 s attempt per target). */
export function registration(service: string, targets: readonly unknown[], extra: Record<string, unknown> = {}) {
  return { service, environment: 'prod', targets, probe: { timeoutMs: 2_000, retries: 0, backoffMs: 0 }, ...extra };
}

/** A target of the echoing service whose one header is `headers`. */
export function echoTarget(origin: string, headers: Record<string, unknown>): unknown {
  return { url: `${origin}/echo`, allowPrivate: true, headers };
}
