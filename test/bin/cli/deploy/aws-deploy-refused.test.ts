// rollgate deploy against the stack when the workflow's first step refuses the deploy (a service the stack does not
// know): the execution ends at DeployRefused with the step's error. moto's Lambda cannot throw, so the Step Functions
// answers are mocked here; the path itself is the definition's (test/lib/deploy-workflow-definition.test.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runAwsDeploy } from '../../../../bin/cli/deploy/aws-deploy.ts';
import { awsClientConfig } from '../../../support/aws-fixtures.ts';
import { capturedIo } from '../../captured-io.ts';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:rollgate-deploy';
const client = new SFNClient(awsClientConfig());
const sfn = mockClient(client);
afterEach(() => sfn.reset());

describe('rollgate deploy when the deploy is refused', () => {
  it('says so with the field at fault, writes no record and exits 2', async () => {
    const message = 'detail.service: is not a service this stack knows: register it ... (got "billing")';
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:x` });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      output: JSON.stringify({
        event: {},
        failure: { Error: 'ConfigError', Cause: JSON.stringify({ errorType: 'ConfigError', errorMessage: message }) },
      }),
    });
    const dir = mkdtempSync(join(tmpdir(), 'rollgate-refused-'));
    const io = capturedIo(dir);
    const written: unknown[] = [];

    const result = await runAwsDeploy(
      {
        deploy: { service: 'billing', environment: 'prod', version: '1.0.0' },
        stateMachineArn: MACHINE,
        wait: true,
        timeoutMs: 60_000,
        evidenceDir: dir,
        json: false,
      },
      { stepFunctions: client, readEvidence: async () => Promise.reject(new Error('not read')) },
      async (document) => written.push(document),
      io,
    );

    expect(result).toMatchObject({ code: 2, status: 'refused' });
    expect(io.stderrText()).toBe(`rollgate: the deploy was refused: ConfigError: ${message}\n`);
    expect(written).toEqual([]);
  });
});
