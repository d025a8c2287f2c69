// One host's part of a rollback command, read back from GetCommandInvocation: its status, exit code and output tail
// (redacted). A host whose outcome cannot be read is reported as Unknown with the reason, never dropped.

import { GetCommandInvocationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { describeError } from '../../core/errors.ts';
import { redactSecretsInText, tailOf } from '../../core/secrets/redact.ts';
import { ROLLBACK_OUTPUT_TAIL_BYTES, type RollbackHostResult } from '../../core/rollback/rollback-result.ts';

export async function readInvocation(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
): Promise<RollbackHostResult> {
  try {
    const invocation = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    const output = joinOutput(invocation.StandardOutputContent, invocation.StandardErrorContent);
    const exitCode = invocation.ResponseCode;
    return {
      instance_id: instanceId,
      // StatusDetails tells DeliveryTimedOut from ExecutionTimedOut, Undeliverable and Terminated from Failed.
      status: invocation.StatusDetails ?? invocation.Status ?? 'Unknown',
      // -1 means the command has not finished on the instance.
      exit_code: exitCode !== undefined && exitCode >= 0 ? exitCode : null,
      output_tail: tailOf(redactSecretsInText(output), ROLLBACK_OUTPUT_TAIL_BYTES),
    };
  } catch (error) {
    return {
      instance_id: instanceId,
      status: 'Unknown',
      exit_code: null,
      output_tail: redactSecretsInText(`GetCommandInvocation failed: ${describeError(error)}`),
    };
  }
}

function joinOutput(stdout: string | undefined, stderr: string | undefined): string {
  if (!stderr) return stdout ?? '';
  if (!stdout) return stderr;
  return stdout.endsWith('\n') ? `${stdout}${stderr}` : `${stdout}\n${stderr}`;
}
