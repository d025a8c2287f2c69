// The deploy workflow's definition as Step Functions reads it, rendered from the same CDK states the stack deploys,
// with the task function imported by a literal ARN so the JSON holds no CloudFormation tokens (moto runs it as is).
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { deployWorkflowDefinition } from '../../lib/deploy-workflow-definition.ts';

export const TASK_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rollgate-workflow-task';

/** The definition as a JSON object, with a top-level TimeoutSeconds as the construct gives it. */
export function deployWorkflowAsl(timeout = Duration.hours(2)): Record<string, unknown> {
  const stack = new Stack(new App(), 'AslOnly', { env: { account: '123456789012', region: 'us-east-1' } });
  const taskFunction = lambda.Function.fromFunctionArn(stack, 'Task', TASK_FUNCTION_ARN);
  const chain = deployWorkflowDefinition(stack, taskFunction);
  const graph = new sfn.StateGraph(chain.startState, 'deploy workflow');
  graph.timeout = timeout;
  return withPartition(stack.resolve(graph.toGraphJson())) as Record<string, unknown>;
}

/** Resolves the one token left, the partition in the waitForTaskToken resource (`arn:${AWS::Partition}:states:::...`). */
function withPartition(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withPartition);
  if (typeof node !== 'object' || node === null) return node;
  const join = (node as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join !== undefined) {
    return join[1].map((part) => (typeof part === 'string' ? part : 'aws')).join(join[0]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withPartition(value)]));
}
