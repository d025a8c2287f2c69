// Synthesis helpers for the CDK tests: the Rollgate construct in a bare stack, or the whole app exactly as bin/app.ts
// builds it, each synthesized once into a temp dir with cdk.json's context (the flags `cdk synth` runs with), plus
// readers for what the cloud assembly holds: the cdk-nag report and the functions' bundled asset directories.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AssetManifestArtifact, type CloudAssembly } from 'aws-cdk-lib/cx-api';
import { applyNagChecks, NAG_PACK_NAMES } from '../../lib/apply-nag-checks.ts';
import { Rollgate, type RollgateProps } from '../../lib/rollgate.ts';
import { createRollgateApp, type RollgateAppOptions } from '../../lib/rollgate-app.ts';
import type { RollgateConfig } from '../../lib/rollgate-config.ts';
import type { RollgateStack } from '../../lib/rollgate-stack.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Powertools version installed in the repo (the Logger's package.json), which the layer must be pinned to. */
export const INSTALLED_POWERTOOLS_VERSION = (
  JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'node_modules', '@aws-lambda-powertools', 'logger', 'package.json'), 'utf8'),
  ) as { version: string }
).version;

/** A property name the Powertools Logger's source keeps under minification: present only where the Logger is bundled. */
export const POWERTOOLS_LOGGER_SOURCE_MARKER = 'persistentLogAttributes';

/**
 * The context (feature flags, CLI settings) cdk.json gives `cdk synth`. Without `bundling`, no stack is bundled
 * (CDK's `aws:cdk:bundling-stacks`), for tests that only inspect the construct tree.
 */
export function cdkJsonContext(options: BuildOptions = {}): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...cdkJson.context, ...(options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {}) };
}

export interface SynthesizedConstruct {
  readonly app: App;
  readonly stack: Stack;
  readonly rollgate: Rollgate;
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** The assembly directory; remove it with removeOutdir when done. */
  readonly outdir: string;
}

export type RollgatePropsInput = RollgateProps | ((stack: Stack) => RollgateProps);

export interface BuildOptions {
  /**
   * Bundle the handlers (off for tests that only inspect the construct tree).
   * @default true
   */
  readonly bundling?: boolean;
}

/**
 * Builds (without synthesizing) a Rollgate construct in an environment-agnostic stack, with the cdk-nag packs
 * registered as the app registers them. `props` may be a function when it needs the stack as scope.
 *
 * CDK's built-in CloudFormation template checks are left to the app synths (synthRollgateApp) and to cfn-lint: they
 * cost seconds per test process and say nothing about the construct that those two do not.
 */
export function buildRollgateConstruct(
  props?: RollgatePropsInput,
  options: BuildOptions = {},
): Omit<SynthesizedConstruct, 'assembly' | 'template'> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-construct-'));
  const app = new App({ outdir, context: cdkJsonContext(options), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'RollgateTest');
  const rollgate = new Rollgate(stack, 'Rollgate', typeof props === 'function' ? props(stack) : props);
  applyNagChecks(app);
  return { app, stack, rollgate, outdir };
}

/** Builds and synthesizes a Rollgate construct (any nag finding fails this synth). */
export function synthRollgateConstruct(props?: RollgatePropsInput, options: BuildOptions = {}): SynthesizedConstruct {
  const built = buildRollgateConstruct(props, options);
  const assembly = built.app.synth();
  return { ...built, assembly, template: Template.fromStack(built.stack) };
}

export interface SynthesizedApp {
  readonly app: App;
  readonly stack: RollgateStack;
  readonly config: RollgateConfig;
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** Absolute path of the synthesized template file. */
  readonly templatePath: string;
  readonly outdir: string;
}

/** Synthesizes the CDK app the way bin/app.ts does (config file, stack, nag packs). */
export function synthRollgateApp(options: Omit<RollgateAppOptions, 'appProps'> = {}): SynthesizedApp {
  const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-app-'));
  const { app, stack, config } = createRollgateApp({ ...options, appProps: { outdir, context: cdkJsonContext() } });
  const assembly = app.synth();
  const templatePath = path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile);
  return { app, stack, config, assembly, template: Template.fromStack(stack), templatePath, outdir };
}

export function removeOutdir(synthesized: { outdir: string } | undefined): void {
  if (synthesized) rmSync(synthesized.outdir, { recursive: true, force: true });
}

export interface NagViolation {
  readonly pack: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly constructPaths: string[];
}

/**
 * The cdk-nag violations in an assembly (or assembly directory). cdk-nag 3 reports through CDK's validation report,
 * not through annotations; any violation, error or warning, also makes the synth throw.
 */
export function nagViolations(assembly: CloudAssembly | string): NagViolation[] {
  return validationReport(assembly)
    .filter((report) => (NAG_PACK_NAMES as readonly string[]).includes(report.pluginName))
    .flatMap((report) =>
      report.violations.map((violation) => ({
        pack: report.pluginName,
        ruleName: violation.ruleName,
        severity: violation.severity,
        constructPaths: violation.violatingConstructs.map((construct) => construct.constructPath),
      })),
    );
}

interface ValidationReportFile {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{ ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

/** Every plugin report in the assembly's validation report (cdk-nag packs and CDK's built-in checks). */
export function validationReport(assembly: CloudAssembly | string): ValidationReportFile['pluginReports'] {
  const directory = typeof assembly === 'string' ? assembly : assembly.directory;
  const file = path.join(directory, 'validation-report.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as ValidationReportFile).pluginReports;
}

/**
 * The absolute path of a function's bundled asset directory (the folder holding index.js), found the way a deploy
 * finds it: the function's Code.S3Key in the template names the asset, and the stack's asset manifest maps that
 * asset to its source directory in the assembly.
 */
export function functionBundleDirectory(assembly: CloudAssembly, stack: Stack, fn: lambda.IFunction): string {
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  const resources = artifact.template.Resources as Record<string, { Properties: { Code: { S3Key: unknown } } }>;
  const s3Key = resources[logicalId]?.Properties.Code.S3Key;
  if (typeof s3Key !== 'string')
    throw new Error(`${logicalId} has no literal Code.S3Key (got ${JSON.stringify(s3Key)})`);
  const assetHash = s3Key.replace(/\.zip$/, '');
  const manifestArtifact = artifact.dependencies.find(AssetManifestArtifact.isAssetManifestArtifact);
  if (!manifestArtifact) throw new Error(`stack ${stack.stackName} has no asset manifest`);
  const manifest = JSON.parse(readFileSync(manifestArtifact.file, 'utf8')) as {
    files?: Record<string, { source: { path?: string } }>;
  };
  const sourcePath = manifest.files?.[assetHash]?.source.path;
  if (!sourcePath) throw new Error(`asset ${assetHash} of ${logicalId} is not in ${manifestArtifact.file}`);
  return path.resolve(assembly.directory, sourcePath);
}

export interface FunctionBundles {
  readonly deployGate: string;
  readonly scheduledCheck: string;
  /** The assembly directory both bundles live in; remove it when done. */
  readonly outdir: string;
}

/** Synthesizes the app into a temp dir and returns both functions' bundled asset directories. */
export function synthFunctionBundles(options: Omit<RollgateAppOptions, 'appProps'> = {}): FunctionBundles {
  const { assembly, stack, outdir } = synthRollgateApp(options);
  return {
    deployGate: functionBundleDirectory(assembly, stack, stack.rollgate.deployGateFunction),
    scheduledCheck: functionBundleDirectory(assembly, stack, stack.rollgate.scheduledCheckFunction),
    outdir,
  };
}

/** The deploy-gate function's bundled asset directory (inside a fresh temp assembly). */
export function synthDeployGateBundle(options: Omit<RollgateAppOptions, 'appProps'> = {}): string {
  return synthFunctionBundles(options).deployGate;
}

/** The scheduled-check function's bundled asset directory (inside a fresh temp assembly). */
export function synthScheduledCheckBundle(options: Omit<RollgateAppOptions, 'appProps'> = {}): string {
  return synthFunctionBundles(options).scheduledCheck;
}

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement granted to a function's role, from every AWS::IAM::Policy attached to it. */
export function roleStatements(
  synthesized: { template: Template; stack: Stack },
  fn: lambda.IFunction,
): PolicyStatementJson[] {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const roleId = synthesized.stack.getLogicalId(fn.role.node.defaultChild as CfnRole);
  const policies = synthesized.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: PolicyStatementJson[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return [statement.Action].flat();
}

export function resourcesOf(statement: PolicyStatementJson): unknown[] {
  return [statement.Resource].flat();
}

/** The topic fullRollgateProps brings. */
export const BROUGHT_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:platform-alerts';
/** The operator's own topic fullRollgateProps gives for the AlertDeliveryFailed alarm. */
export const BROUGHT_PAGER_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:platform-pager';

/** Every Rollgate prop set (the brought key, topic and bus are created in or imported into `stack`). */
export function fullRollgateProps(stack: Stack): RollgateProps {
  return {
    encryptionKey: new kms.Key(stack, 'BroughtKey', { enableKeyRotation: true }),
    alertTopic: sns.Topic.fromTopicArn(stack, 'BroughtTopic', BROUGHT_TOPIC_ARN),
    alertEmails: ['oncall@example.com', 'release@example.com'],
    alertDeliveryAlarmTopic: sns.Topic.fromTopicArn(stack, 'BroughtPagerTopic', BROUGHT_PAGER_TOPIC_ARN),
    alertDeliveryAlarmEmails: ['platform@example.com'],
    eventBus: events.EventBus.fromEventBusName(stack, 'BroughtBus', 'deploys'),
    deployEventPattern: {
      source: ['acme.ci'],
      detailType: ['Deployment Completed'],
      detail: { environment: ['prod'] },
    },
    rollbackDocumentName: 'Acme-Rollback',
    rollbackWait: Duration.minutes(5),
    objectLock: true,
    objectLockRetention: Duration.days(45),
    checksExpiration: Duration.days(14),
    deploysTransitionToGlacierAfter: Duration.days(60),
    deploysExpiration: Duration.days(730),
    memorySize: 512,
    // Fits payments.prod's probes, its 5-minute rollback wait and the time to record the outcome.
    checkTimeout: Duration.minutes(6),
    logRetention: logs.RetentionDays.ONE_YEAR,
    logLevel: 'DEBUG',
    powertools: 'bundled',
    services: [
      { service: 'checkout', environment: 'prod', targets: [{ url: 'https://checkout.example.com/health' }] },
      {
        service: 'checkout',
        environment: 'staging',
        targets: [{ url: 'https://staging.checkout.example.com/health' }],
      },
      {
        service: 'orders',
        environment: 'prod',
        targets: [
          { url: 'https://orders.example.com/health', headers: { authorization: { ssm: '/rollgate/orders/token' } } },
        ],
        hosts: { tags: { app: 'orders', stage: 'live' } },
        rollback: { waitSeconds: 700 },
      },
      {
        service: 'ledger',
        environment: 'prod',
        targets: [{ url: 'https://ledger.example.com/health' }],
        rollback: { mode: 'off' },
      },
    ],
    monitors: [
      { name: 'checkout-prod', urls: ['https://checkout.example.com/health'] },
      {
        name: 'payments.prod',
        schedule: events.Schedule.rate(Duration.minutes(1)),
        targets: [
          {
            url: 'https://pay.example.com/health',
            name: 'health',
            expect: { status: ['200-299'], maxLatencyMs: 800 },
            headers: { authorization: { ssm: '/rollgate/payments/token' } },
          },
        ],
        rollbackOnFailure: true,
        service: 'payments',
        environment: 'prod',
        expectedVersion: '2.0.1',
      },
    ],
  };
}
