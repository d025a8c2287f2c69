// The cdk-nag rule packs Rollgate must pass, registered the cdk-nag v3 way (as policy-validation plugins), in the
// one place both bin/app.ts and the tests use, so the tests check exactly what `cdk synth` checks.
import { createRequire } from 'node:module';
import { Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { Construct } from 'constructs';

/** The pack names, as they appear as plugin names in the cloud assembly's validation report. */
export const NAG_PACK_NAMES = ['AwsSolutions', 'Serverless'] as const;

/**
 * Registers the packs on the app (or stage). Any violation, error or warning, fails `synth` (cdk-nag marks a pack's
 * report unsuccessful for either) and is listed in the assembly's validation-report.json. Each acknowledgement is
 * also written, with its reason, into the template's resource Metadata (`cdk_nag.rules_to_suppress`) as an audit trail.
 */
export function applyNagChecks(scope: Construct): NagPack[] {
  // cdk-nag is an optional peer of the npm package: loaded on this call, so an app that never makes it need not
  // install cdk-nag to import `rollgate/cdk`.
  const { AwsSolutionsChecks, ServerlessChecks } = createRequire(import.meta.url)(
    'cdk-nag',
  ) as typeof import('cdk-nag');
  const packs: NagPack[] = [
    new AwsSolutionsChecks(scope, { verbose: true, writeSuppressionsToCloudFormation: true }),
    new ServerlessChecks(scope, { verbose: true }),
  ];
  Validations.of(scope).addPlugins(...packs);
  return packs;
}
