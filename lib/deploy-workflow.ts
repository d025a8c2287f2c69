// The deploy as a durable workflow: a Step Functions Standard state machine (lib/deploy-workflow-definition.ts) whose
// every step is a short invocation of the workflow task function, whose waits cost no Lambda time, and whose history
// shows each round to an operator; and the starter the deploy event rule invokes, which names the execution after the
// deploy so a redelivered event starts none twice. Logged to CloudWatch; alarmed when Rollgate itself breaks (an
// execution fails, times out or is aborted), which is apart from a deploy that fails its window.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEPLOY_WORKFLOW_ARN_ENV } from '../lambda/core/config/deploy-workflow-contract.ts';
import { hostTagsOf, type ServiceConfig } from '../lambda/core/config/service-schema.ts';
import { ENV } from '../lambda/core/config/stack-contract.ts';
import { createAtLeastOnceAlarm, FIVE_MINUTE_SUM } from './at-least-once-alarm.ts';
import { deployWorkflowDefinition } from './deploy-workflow-definition.ts';
import { deployWorkflowTimeout } from './deploy-workflow-timeout.ts';
import { RollgateFunction, type RollgateFunctionProps } from './rollgate-function.ts';
import { grantRollgateAccess, nagResourceName, type RollgateGrantProps } from './rollgate-permissions.ts';
import { DEPLOY_GATE_TIMEOUT } from './rollgate-props.ts';
import { grantStateAccess } from './state-table.ts';

/** What every Rollgate function shares (environment, memory, logs, layers, alarm action). */
export type SharedFunctionProps = Pick<
  RollgateFunctionProps,
  'environment' | 'memorySize' | 'logRetention' | 'alarmAction' | 'registryLayer' | 'powertoolsLayer'
>;

export interface DeployWorkflowProps {
  readonly functions: SharedFunctionProps;
  /** The registered services: whose hosts the workflow may roll back, and how long an execution may run. */
  readonly services: readonly ServiceConfig[];
  /** The stack's rollback wait, for services that set none. */
  readonly rollbackWait: Duration;
  readonly grants: Pick<RollgateGrantProps, 'evidenceBucket' | 'alertTopic' | 'key' | 'rollbackDocumentArn'>;
  readonly stateTable: dynamodb.ITable;
  /** How long a deploy event may wait (e.g. while the starter is throttled) before it goes to the dead-letter queue. */
  readonly maxEventAge: Duration;
  /**
   * X-Ray traces of each execution (adds xray:Put* on Resource::* to the state machine's role).
   * @default false - the history and the log already show every step with its input and output
   */
  readonly tracingEnabled?: boolean;
}

export class DeployWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  /** Runs each step of the deploy flow; invoked only by the state machine. */
  readonly taskFunction: RollgateFunction;
  /** The deploy event rule's target: validates the event and starts the execution. */
  readonly starterFunction: RollgateFunction;
  /** Rollgate broke: an execution failed, timed out or was aborted. */
  readonly brokenExecutionsAlarm: cloudwatch.Alarm;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: DeployWorkflowProps) {
    super(scope, id);
    const tracingEnabled = props.tracingEnabled ?? false;
    const { environment } = props.functions;

    this.taskFunction = new RollgateFunction(this, 'Task', {
      ...props.functions,
      handler: 'workflow-task',
      description: 'Rollgate deploy workflow task: one step of a deploy (a probe round, the verdict, a rollback step)',
      // One step: a round's probes at most (their budgets are checked against this at synth), never a wait.
      timeout: DEPLOY_GATE_TIMEOUT,
      // Invoked synchronously by Step Functions, which retries Lambda's own errors itself.
      retryAttempts: 0,
      maxEventAge: props.maxEventAge,
    });
    this.grantTaskAccess(props);

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.functions.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Rollgate deploy: watch window, verdict, approval, rollback and its verification',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(deployWorkflowDefinition(this, this.taskFunction.function)),
      timeout: deployWorkflowTimeout(props.services, props.rollbackWait),
      tracingEnabled,
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        // The progress is redacted by the steps (no secret, header value or token of a probed service), and the
        // rounds in it are what an operator reads the log for. The approval's task token is in it too, as in the
        // history: only a principal allowed states:SendTaskSuccess can use it.
        includeExecutionData: true,
      },
    });

    this.starterFunction = new RollgateFunction(this, 'Starter', {
      ...props.functions,
      // The registry, the state machine and Powertools' settings: nothing of the evidence, alerts or rollbacks.
      environment: {
        [ENV.registryFile]: environment[ENV.registryFile]!,
        [ENV.powertoolsServiceName]: environment[ENV.powertoolsServiceName]!,
        [ENV.powertoolsMetricsNamespace]: environment[ENV.powertoolsMetricsNamespace]!,
        [ENV.powertoolsLogLevel]: environment[ENV.powertoolsLogLevel]!,
        NODE_OPTIONS: environment.NODE_OPTIONS ?? '--enable-source-maps',
        [DEPLOY_WORKFLOW_ARN_ENV]: this.stateMachine.stateMachineArn,
      },
      handler: 'deploy-starter',
      description: 'Rollgate deploy starter: checks a deploy event against the registry and starts its workflow',
      timeout: Duration.seconds(30),
      // A retried start names the same execution (the event id, or a direct invoke's request id Lambda keeps).
      retryAttempts: 2,
      maxEventAge: props.maxEventAge,
    });
    this.starterFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StartDeployWorkflow',
        actions: ['states:StartExecution'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );

    this.brokenExecutionsAlarm = this.createBrokenExecutionsAlarm(props.functions.alarmAction);
    this.alarms = [...this.taskFunction.alarms, ...this.starterFunction.alarms, this.brokenExecutionsAlarm];
    this.acknowledgeFindings(
      tracingEnabled,
      props.services.some((service) => service.rollback.mode === 'approve'),
    );
  }

  /**
   * The task function's grants: evidence under deploys/, alerts, header secrets, the rollback document to the hosts of
   * services that roll back (automatically or once approved), the state its steps keep, and answering its own
   * approval task when `rollgate approve` got there before the token was stored.
   */
  private grantTaskAccess(props: DeployWorkflowProps): void {
    const rollingBack = props.services.filter((service) => service.rollback.mode !== 'off');
    const approving = props.services.some((service) => service.rollback.mode === 'approve');
    grantRollgateAccess(this.taskFunction, {
      ...props.grants,
      evidencePrefix: 'deploys/',
      rollbackHostTags: rollingBack.map(hostTagsOf),
    });
    grantStateAccess(this.taskFunction.role, {
      table: props.stateTable,
      key: props.grants.key,
      access: 'read-write',
      readKinds: ['service', 'pause', 'lock', 'chain', ...(approving ? (['approval'] as const) : [])],
      writeKinds: [
        'service',
        // The head of the service's evidence chain, moved by each record.
        'chain',
        ...(rollingBack.length > 0 ? (['lock'] as const) : []),
        ...(approving ? (['approval'] as const) : []),
      ],
    });
    if (approving) {
      this.taskFunction.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'AnswerOwnApprovalTask',
          actions: ['states:SendTaskSuccess'],
          resources: ['*'],
        }),
      );
    }
  }

  private createBrokenExecutionsAlarm(action: cloudwatch.IAlarmAction): cloudwatch.Alarm {
    const metric = (name: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName: name,
        dimensionsMap: { StateMachineArn: this.stateMachine.stateMachineArn },
        ...FIVE_MINUTE_SUM,
      });
    return createAtLeastOnceAlarm(this, 'BrokenExecutionsAlarm', {
      description:
        'Rollgate DeployWorkflow: an execution failed, timed out or was aborted in the last 5 minutes, so a deploy ' +
        'got no verdict (a deploy that fails its window is a succeeded execution and does not count here).',
      metric: new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: metric('ExecutionsFailed'),
          timedOut: metric('ExecutionsTimedOut'),
          aborted: metric('ExecutionsAborted'),
        },
        period: FIVE_MINUTE_SUM.period,
        label: 'Broken deploy executions',
      }),
      action,
    });
  }

  private acknowledgeFindings(tracingEnabled: boolean, approving: boolean): void {
    if (!tracingEnabled) {
      const reason =
        'Each step is one Lambda invocation whose input and output the execution history and the ALL-level log keep; ' +
        'the task function does not use X-Ray either. Tracing is a prop (tracingEnabled) for those who want it.';
      Validations.of(this.stateMachine).acknowledge(
        { id: 'AwsSolutions-SF2', reason },
        { id: 'Serverless-StepFunctionStateMachineXray', reason },
      );
    }
    const stack = Stack.of(this);
    const machinePolicy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (machinePolicy !== undefined) {
      Validations.of(machinePolicy).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, ' +
            'DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups)' +
            `${tracingEnabled ? ' and X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*)' : ''} ` +
            'support no resource-level permissions.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(`${this.taskFunction.function.functionArn}:*`))}]`,
          reason:
            "The tasks invoke the workflow task function; CDK's grant covers its versions and aliases (<arn>:*) as " +
            'well as the function, and only that one function.',
        },
      );
    }
    if (approving) {
      // Replaces grantRollgateAccess's acknowledgement of Resource::* on this policy, naming every action on it.
      Validations.of(this.taskFunction.role.node.findChild('DefaultPolicy')).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ec2:DescribeInstances, ssm:DescribeInstanceInformation, ssm:GetCommandInvocation, ' +
          'ssm:ListCommandInvocations and states:SendTaskSuccess support no resource-level permissions. The first four ' +
          'only read; the task function sends a task success only with the token of its own execution, read from the ' +
          'approval item it stored it in, when rollgate approve answered before the token was stored.',
      });
    }
  }
}
