// One Rollgate Lambda with everything it needs to be operated: its own role (no managed policies), an explicit log
// group with retention, a dead-letter queue for failed async invocations, and alarms on errors, throttles and DLQ depth.
// Its code is the handler's prebuilt bundle when the construct runs from the npm package, else bundled from source.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAtLeastOnceAlarm, deadLetterQueueDepth, FIVE_MINUTE_SUM } from './at-least-once-alarm.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';
import {
  BUNDLE_HANDLER,
  HANDLER_BUNDLING,
  handlerExternalModules,
  LAMBDA_HANDLERS,
  type LambdaHandlerName,
} from './lambda-handlers.ts';
import { prebuiltHandlers } from './prebuilt-handlers.ts';

/** The repository root: the handlers and the lock file esbuild resolves dependencies from live there. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RollgateFunctionProps {
  /** Which handler runs (lib/lambda-handlers.ts). */
  readonly handler: LambdaHandlerName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** Lambda's own retries of a failed async invocation. */
  readonly retryAttempts: number;
  /** How long an async invocation may wait (e.g. while throttled) before it goes to the dead-letter queue. */
  readonly maxEventAge: Duration;
  readonly environment: Record<string, string>;
  readonly alarmAction: cloudwatch.IAlarmAction;
  /**
   * Powertools' layer: when given, the function loads `@aws-lambda-powertools/*` from it, as it loads `@aws-sdk/*`
   * from the runtime, and the bundle leaves both out.
   * @default - Powertools is bundled
   */
  readonly powertoolsLayer?: lambda.ILayerVersion;
  /** The registry layer (lib/registry-layer.ts): the handlers read the services and monitors from it. */
  readonly registryLayer: lambda.ILayerVersion;
}

export class RollgateFunction extends Construct {
  /** A NodejsFunction when bundled from source, a plain Function on the prebuilt bundle. */
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: RollgateFunctionProps) {
    super(scope, id);

    // A role of our own, so Lambda does not attach AWSLambdaBasicExecutionRole (logs:* on every log group).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Rollgate ${id} function`,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.logGroup.grantWrite(this.role);
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue');

    const powertools = props.powertoolsLayer ? 'layer' : 'bundled';
    const functionProps: lambda.FunctionOptions & Pick<lambda.FunctionProps, 'runtime'> = {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      layers: [...(props.powertoolsLayer ? [props.powertoolsLayer] : []), props.registryLayer],
    };
    const prebuilt = prebuiltHandlers();
    this.function = prebuilt
      ? new lambda.Function(this, 'Function', {
          ...functionProps,
          code: lambda.Code.fromAsset(prebuilt.directory(props.handler, powertools)),
          handler: BUNDLE_HANDLER,
        })
      : new nodejs.NodejsFunction(this, 'Function', {
          ...functionProps,
          entry: path.join(PROJECT_ROOT, LAMBDA_HANDLERS[props.handler]),
          handler: 'handler',
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
          bundling: {
            forceDockerBundling: false,
            // esbuild's own lines (each output file's size, "Done in") only on a warning or an error.
            logLevel: nodejs.LogLevel.WARNING,
            format: HANDLER_BUNDLING.format as nodejs.OutputFormat,
            target: HANDLER_BUNDLING.target,
            minify: HANDLER_BUNDLING.minify,
            sourceMap: HANDLER_BUNDLING.sourceMap,
            sourcesContent: HANDLER_BUNDLING.sourcesContent,
            externalModules: handlerExternalModules(powertools),
            esbuildArgs: Object.fromEntries(
              Object.entries(HANDLER_BUNDLING.supported).map(([feature, on]) => [`--supported:${feature}`, String(on)]),
            ),
          },
        });
    this.acknowledgeRuntimeFindings();

    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric) =>
      createAtLeastOnceAlarm(this, alarmId, {
        description: `Rollgate ${id}: ${description}`,
        metric,
        action: props.alarmAction,
      });
    this.alarms = [
      alarm(
        'ErrorsAlarm',
        'the function failed (threw or timed out) in the last 5 minutes.',
        this.function.metricErrors(FIVE_MINUTE_SUM),
      ),
      alarm(
        'ThrottlesAlarm',
        'invocations were throttled in the last 5 minutes.',
        this.function.metricThrottles(FIVE_MINUTE_SUM),
      ),
      alarm(
        'DeadLetterQueueAlarm',
        'events that never got a verdict are waiting in the dead-letter queue.',
        deadLetterQueueDepth(this.deadLetterQueue),
      ),
    ];
  }

  /** Grants one statement to this function's role (its DefaultPolicy). */
  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  private acknowledgeRuntimeFindings(): void {
    const runtimeReason =
      'Pinned to nodejs22.x by the Rollgate handler contract (the handlers are bundled for esbuild ' +
      'target node22); moving to a newer runtime is a deliberate upgrade made and tested together with the handlers.';
    Validations.of(this.function).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
      {
        id: 'Serverless-LambdaTracing',
        reason:
          'The handlers do not use the X-Ray SDK or the Powertools tracer; latency is recorded per probe in ' +
          'the evidence and as the ProbeLatency EMF metric. Active tracing would only add xray:Put* on Resource::*.',
      },
    );
    const invokeConfig = this.function.node.tryFindChild('EventInvokeConfig');
    if (invokeConfig) {
      Validations.of(invokeConfig).acknowledge({
        id: 'Serverless-LambdaAsyncFailureDestination',
        reason:
          "Failed async invocations already go to this function's dead-letter queue (DeadLetterConfig); an " +
          'on-failure destination on the same queue would deliver every failure twice.',
      });
    }
  }
}
