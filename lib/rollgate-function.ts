// One Rollgate Lambda with everything it needs to be operated: its own role (no managed policies), an explicit log
// group with retention, a dead-letter queue for failed async invocations, and alarms on errors, throttles and DLQ depth.
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

/** The repository root: the handlers and the lock file esbuild resolves dependencies from live there. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RollgateFunctionProps {
  /** Handler entry file, relative to the repository root. */
  readonly entry: string;
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
}

export class RollgateFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
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

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
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
      layers: props.powertoolsLayer ? [props.powertoolsLayer] : undefined,
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: props.powertoolsLayer ? ['@aws-sdk/*', '@aws-lambda-powertools/*'] : ['@aws-sdk/*'],
        // An external dynamic import() becomes a lazy require(): Lambda reaches the layer (/opt/nodejs/node_modules)
        // and the runtime's SDK only through CommonJS resolution, which Node's ESM resolver does not follow. The
        // handlers rely on it to load each SDK client on first use (lambda/handlers/aws-clients.ts).
        esbuildArgs: { '--supported:dynamic-import': 'false' },
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
