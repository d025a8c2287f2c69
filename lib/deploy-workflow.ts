// The deploy as a durable workflow: a Step Functions Standard state machine (lib/deploy-workflow-definition.ts) whose
// every step is a short invocation of the workflow task function, whose waits cost no Lambda time, and whose history
// shows each round to an operator. Logged to CloudWatch; alarmed when Rollgate itself breaks (an execution fails, times
// out or is aborted), which is apart from a deploy that fails its window (a succeeded execution saying so).
import { type Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { createAtLeastOnceAlarm, FIVE_MINUTE_SUM } from './at-least-once-alarm.ts';
import { deployWorkflowDefinition } from './deploy-workflow-definition.ts';
import { nagResourceName } from './rollgate-permissions.ts';

export interface DeployWorkflowProps {
  /** The workflow task function: runs the step each task names (lambda/handlers/workflow/). */
  readonly taskFunction: lambda.IFunction;
  /** Longest an execution may run; past it Step Functions stops it (ExecutionsTimedOut, alarmed). */
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly alarmAction: cloudwatch.IAlarmAction;
  /**
   * X-Ray traces of each execution (adds xray:Put* on Resource::* to the state machine's role).
   * @default false - the history and the log already show every step with its input and output
   */
  readonly tracingEnabled?: boolean;
}

export class DeployWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  /** Rollgate broke: an execution failed, timed out or was aborted. */
  readonly brokenExecutionsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeployWorkflowProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    const tracingEnabled = props.tracingEnabled ?? false;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Rollgate deploy: watch window, verdict, approval, rollback and its verification',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(deployWorkflowDefinition(this, props.taskFunction)),
      timeout: props.timeout,
      tracingEnabled,
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        // The progress is redacted by the steps (no secret, header value or token of a probed service), and the
        // rounds in it are what an operator reads the log for. The approval's task token is in it too, as in the
        // history: only a principal allowed states:SendTaskSuccess on this state machine can use it.
        includeExecutionData: true,
      },
    });

    const metric = (name: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName: name,
        dimensionsMap: { StateMachineArn: this.stateMachine.stateMachineArn },
        ...FIVE_MINUTE_SUM,
      });
    this.brokenExecutionsAlarm = createAtLeastOnceAlarm(this, 'BrokenExecutionsAlarm', {
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
      action: props.alarmAction,
    });
    this.acknowledgeFindings(tracingEnabled, props.taskFunction);
  }

  private acknowledgeFindings(tracingEnabled: boolean, taskFunction: lambda.IFunction): void {
    if (!tracingEnabled) {
      const reason =
        'Each step is one Lambda invocation whose input and output the execution history and the ALL-level log keep; ' +
        'the task function does not use X-Ray either. Tracing is a prop (tracingEnabled) for those who want it.';
      Validations.of(this.stateMachine).acknowledge(
        { id: 'AwsSolutions-SF2', reason },
        { id: 'Serverless-StepFunctionStateMachineXray', reason },
      );
    }
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) return;
    const stack = Stack.of(this);
    Validations.of(policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, ' +
          'DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups)' +
          `${tracingEnabled ? ' and X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*)' : ''} ` +
          'support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(`${taskFunction.functionArn}:*`))}]`,
        reason:
          "The tasks invoke the workflow task function; CDK's grant covers its versions and aliases (<arn>:*) as " +
          'well as the function, and only that one function.',
      },
    );
  }
}
