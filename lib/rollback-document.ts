// The SSM Command document a failed gate sends to the service's hosts. It only forwards four validated values to
// an operator-owned script: the allowedPatterns are what keep anything but a name or version out of the host shell.
import { Arn, ArnFormat, type Duration, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { NAME_PATTERN, VERSION_PATTERN } from './rollgate-props.ts';

export interface RollbackDocumentProps {
  /** Absolute path of the script on the host; already checked to need no shell quoting. */
  readonly scriptPath: string;
  /** How long the script may run before SSM stops it. */
  readonly timeout: Duration;
}

/** The parameters the deploy gate sends, with the pattern each value must match. */
export const ROLLBACK_PARAMETER_PATTERNS = {
  Service: NAME_PATTERN,
  Environment: NAME_PATTERN,
  FailedVersion: VERSION_PATTERN,
  // Never empty: the planner sends a known-good version (or, before there is one, the event's previousVersion), or
  // nothing at all.
  TargetVersion: VERSION_PATTERN,
} as const;

export class RollbackDocument extends Construct {
  readonly documentName: string;

  constructor(scope: Construct, id: string, props: RollbackDocumentProps) {
    super(scope, id);
    const document = new ssm.CfnDocument(this, 'Resource', {
      documentType: 'Command',
      content: rollbackDocumentContent(props),
    });
    this.documentName = document.ref;
  }
}

/** The ARN IAM needs for a document name, whether Rollgate created it or the user named an existing one. */
export function rollbackDocumentArn(scope: Construct, documentNameOrArn: string): string {
  if (documentNameOrArn.startsWith('arn:')) return documentNameOrArn;
  return Arn.format(
    { service: 'ssm', resource: 'document', resourceName: documentNameOrArn, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
    Stack.of(scope),
  );
}

function rollbackDocumentContent(props: RollbackDocumentProps): Record<string, unknown> {
  const parameter = (name: keyof typeof ROLLBACK_PARAMETER_PATTERNS, description: string) => ({
    type: 'String',
    description,
    allowedPattern: ROLLBACK_PARAMETER_PATTERNS[name],
  });
  // Values are single-quoted; the allowedPatterns contain no quote, so no value can close the quoting.
  const exports = [
    "export ROLLGATE_SERVICE='{{ Service }}'",
    "export ROLLGATE_ENVIRONMENT='{{ Environment }}'",
    "export ROLLGATE_FAILED_VERSION='{{ FailedVersion }}'",
    "export ROLLGATE_TARGET_VERSION='{{ TargetVersion }}'",
  ];
  return {
    schemaVersion: '2.2',
    description:
      'Rollgate rollback: runs the operator-owned rollback script with the service, environment, ' +
      'failed version and target version as arguments and ROLLGATE_* environment variables.',
    parameters: {
      Service: parameter('Service', 'Service to roll back (rollgate:service tag value).'),
      Environment: parameter('Environment', 'Environment to roll back (rollgate:environment tag value).'),
      FailedVersion: parameter('FailedVersion', 'The version that failed the gate.'),
      TargetVersion: parameter('TargetVersion', 'The version to return to: the newest known-good one, never empty.'),
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'runRollbackScript',
        inputs: {
          timeoutSeconds: String(props.timeout.toSeconds()),
          runCommand: [
            'set -eu',
            `script='${props.scriptPath}'`,
            'if [ ! -x "$script" ]; then echo "rollgate: rollback script $script is missing or not executable" >&2; exit 127; fi',
            ...exports,
            'exec "$script" "$ROLLGATE_SERVICE" "$ROLLGATE_ENVIRONMENT" "$ROLLGATE_FAILED_VERSION" "$ROLLGATE_TARGET_VERSION"',
          ],
        },
      },
    ],
  };
}
