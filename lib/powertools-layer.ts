// The public Powertools for AWS Lambda (TypeScript) layer, pinned to the Powertools version installed here: the one
// the handlers were built and tested with. Its ARN is resolved by CloudFormation at deploy time, so synth stays offline.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { prebuiltHandlers } from './prebuilt-handlers.ts';

/** The Powertools packages the handlers import; the layer ships all of them, at one version. */
const POWERTOOLS_PACKAGES = [
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-lambda-powertools/parameters',
  '@aws-lambda-powertools/idempotency',
] as const;

/** The Powertools version installed in node_modules, read at synth time (never `latest`: the layer must match it). */
export function installedPowertoolsVersion(): string {
  const versions = new Set(POWERTOOLS_PACKAGES.map(installedVersion));
  const [version, ...others] = versions;
  if (version === undefined || others.length > 0) {
    throw new Error(
      `the installed Powertools packages disagree on their version (${[...versions].join(', ')}); ` +
        'the layer ships one version of all of them, so install one version of each',
    );
  }
  return version;
}

/** Powertools' documented public SSM parameter holding the layer ARN of one version, in every region it is published. */
export function powertoolsLayerParameterName(version: string): string {
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}

/**
 * The public layer of the installed Powertools version. The ARN is an `AWS::SSM::Parameter::Value<String>` template
 * parameter: CloudFormation reads it in the deploying region, so synth makes no lookup and needs no credentials.
 */
export function powertoolsLayer(scope: Construct, id: string): lambda.ILayerVersion {
  // The prebuilt bundles of the npm package were built against their own Powertools: pin the layer to that one.
  const version = prebuiltHandlers()?.powertoolsVersion ?? installedPowertoolsVersion();
  const arn = ssm.StringParameter.valueForStringParameter(scope, powertoolsLayerParameterName(version));
  return lambda.LayerVersion.fromLayerVersionArn(scope, id, arn);
}

/** A package's own package.json, found where Node would resolve the package from here (its exports hide the file). */
function installedVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const directory = (require.resolve.paths(name) ?? [])
    .map((nodeModules) => path.join(nodeModules, name))
    .find((candidate) => existsSync(path.join(candidate, 'package.json')));
  if (directory === undefined) throw new Error(`${name} is not installed; run npm ci`);
  return (JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as { version: string }).version;
}
