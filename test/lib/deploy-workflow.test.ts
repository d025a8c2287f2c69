// The deploy workflow in the stack: a Standard state machine logging every step, bounded by the longest deploy a
// registered service can take; the deploy event rule starting it through the starter; and each role holding only
// what its part calls, cdk-nag clean with a service in approve mode too.
import { Duration } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_WORKFLOW_ARN_ENV } from '../../lambda/core/config/deploy-workflow-contract.ts';
import { parseWithSchema } from '../../lambda/core/config/config-schema.ts';
import { serviceSchema } from '../../lambda/core/config/service-schema.ts';
import { deployWorkflowTimeout } from '../../lib/deploy-workflow-timeout.ts';
import {
  actionsOf,
  nagViolations,
  removeOutdir,
  resourcesOf,
  roleStatements,
  synthRollgateConstruct,
  type SynthesizedConstruct,
} from '../support/synth-stack.ts';

const services = [
  { service: 'checkout', environment: 'prod', targets: [{ url: 'https://checkout.example.com/health' }] },
  {
    service: 'payments',
    environment: 'prod',
    targets: [{ url: 'https://pay.example.com/health' }],
    hosts: { tags: { app: 'payments' } },
    rollback: { mode: 'approve' as const, approvalTimeoutMinutes: 45 },
    window: { windowSeconds: 600 },
  },
  {
    service: 'ledger',
    environment: 'prod',
    targets: [{ url: 'https://ledger.example.com/health' }],
    hosts: { tags: { app: 'ledger' } },
    rollback: { mode: 'off' as const },
  },
];

let synth: SynthesizedConstruct;
beforeAll(() => {
  synth = synthRollgateConstruct({ services, rollbackWait: Duration.minutes(5) }, { bundling: false });
});
afterAll(() => removeOutdir(synth));

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  synth.stack.getLogicalId(construct.node.defaultChild as never);

describe('the deploy workflow in the stack', () => {
  it('is cdk-nag clean with a service in approve mode', () => {
    expect(nagViolations(synth.assembly)).toEqual([]);
  });

  it('is a Standard state machine logging every step with its data, bounded by the longest deploy', () => {
    const machines = Object.values(synth.template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(1);
    const machine = machines[0]!.Properties;
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    const definition = JSON.stringify(machine.DefinitionString);
    // payments: a 600 s window, 45 minutes of approval, the 300 s stack wait, a 120 s verification, two steps, 1 h.
    expect(definition).toContain(`TimeoutSeconds\\":${600 + 45 * 60 + 300 + 120 + 2 * 900 + 3600},`);
  });

  it('starts from the deploy event rule through the starter, which may only start executions of this machine', () => {
    const starter = synth.rollgate.deployWorkflow.starterFunction;
    const statements = roleStatements(synth, starter.function).filter((statement) => statement.Sid !== undefined);
    expect(statements.map((statement) => [statement.Sid, actionsOf(statement), resourcesOf(statement)])).toEqual([
      [
        'StartDeployWorkflow',
        ['states:StartExecution'],
        [{ Ref: logicalId(synth.rollgate.deployWorkflow.stateMachine) }],
      ],
    ]);
    const variables =
      synth.template.findResources('AWS::Lambda::Function')[logicalId(starter.function)]!.Properties.Environment
        .Variables;
    expect(Object.keys(variables).sort()).toEqual(
      [
        DEPLOY_WORKFLOW_ARN_ENV,
        'NODE_OPTIONS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'ROLLGATE_REGISTRY_FILE',
      ].sort(),
    );
  });

  it('lets the state machine invoke the task function and nothing else', () => {
    const role = synth.rollgate.deployWorkflow.stateMachine.role;
    const policies = synth.template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies)
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(logicalId(role as never)))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>);
    const invoke = statements.filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toContain(logicalId(synth.rollgate.deployWorkflow.taskFunction.function));
    expect(
      statements.flatMap((statement) => [statement.Action].flat()).filter((action) => !action.startsWith('logs:')),
    ).toEqual(['lambda:InvokeFunction']);
  });

  it('lets the task function roll back the hosts of services in auto and approve mode, never those of off', () => {
    const statements = roleStatements(synth, synth.rollgate.deployWorkflow.taskFunction.function);
    const conditions = JSON.stringify(
      statements.filter((statement) => statement.Sid?.startsWith('SendRollbackToServiceHosts')),
    );
    expect(conditions).toContain('payments');
    expect(conditions).toContain('checkout');
    expect(conditions).not.toContain('ledger');
  });

  it('lets the task function keep approval items and answer its own approval task, for approve-mode services', () => {
    const statements = roleStatements(synth, synth.rollgate.deployWorkflow.taskFunction.function);
    const write = statements.find((statement) => statement.Sid === 'WriteRollgateState');
    expect(write?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['approval#*', 'chain#*', 'lock#*', 'service#*'] },
    });
    const answer = statements.find((statement) => statement.Sid === 'AnswerOwnApprovalTask');
    expect(answer && actionsOf(answer)).toEqual(['states:SendTaskSuccess']);
  });
});

describe('deployWorkflowTimeout', () => {
  it.each([
    ['no service', [], 3600],
    ['a default service', [services[0]!], 300 + 300 + 120 + 1800 + 3600],
    [
      'a service with its own rollback wait',
      [{ ...services[0]!, rollback: { waitSeconds: 60 } }],
      300 + 60 + 120 + 1800 + 3600,
    ],
  ])('bounds an execution of %s by its longest legitimate deploy', (_case, input, seconds) => {
    const parsed = input.map((service) => parseWithSchema(serviceSchema, service));
    expect(deployWorkflowTimeout(parsed, Duration.minutes(5)).toSeconds()).toBe(seconds);
  });
});
