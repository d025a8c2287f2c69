// Starts the deploy workflow's execution for one deploy run, by its derived name (deploy-execution-name.ts). Step
// Functions keeps one execution per name: a second start of a running execution with the same input answers that
// execution, and any other second start fails with ExecutionAlreadyExists. Both mean the deploy is already being (or
// was) judged, so both are answered as "already started", never as an error and never as a second run.

import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowExecutionInput } from '../../core/config/deploy-workflow-contract.ts';
import { errorMessageOf, WorkflowStartError } from '../../core/errors.ts';
import { redactSecretsInText } from '../../core/secrets/redact.ts';

export interface DeployExecutionStart {
  readonly executionArn: string;
  readonly executionName: string;
  /**
   * False when Step Functions answered ExecutionAlreadyExists (that name ran before, or runs with another input). A
   * redelivery while the first execution still runs gets true and that execution: Step Functions cannot tell them apart.
   */
  readonly started: boolean;
}

/** The ARN an execution of `name` has on `stateMachineArn` (arn:...:states:<region>:<account>:execution:<machine>:<name>). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** Starts the execution, or finds it already started. Throws WorkflowStartError for any other refusal or failure. */
export async function startDeployExecution(
  client: SFNClient,
  stateMachineArn: string,
  name: string,
  input: WorkflowExecutionInput,
): Promise<DeployExecutionStart> {
  const executionArn = executionArnOf(stateMachineArn, name);
  try {
    const answer = await client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    // A start that found its execution running with the same input answers that execution's start date, not now.
    return { executionArn: answer.executionArn ?? executionArn, executionName: name, started: true };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return { executionArn, executionName: name, started: false };
    throw new WorkflowStartError(
      `could not start the deploy workflow ${stateMachineArn} as ${name}: ${redactSecretsInText(errorMessageOf(error))}`,
      { cause: error },
    );
  }
}
