// cfn-lint on the synthesized templates (the app from the example config, and the construct with every prop): no
// errors, and no warnings beyond the one CDK itself causes (explained below).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_FILE } from '../../lib/rollgate-app.ts';
import {
  fullRollgateProps,
  REPO_ROOT,
  removeOutdir,
  synthRollgateApp,
  synthRollgateConstruct,
  type SynthesizedApp,
  type SynthesizedConstruct,
} from '../support/synth-stack.ts';

const CFN_LINT = path.join(REPO_ROOT, '.venv', 'bin', 'cfn-lint');

interface LintMatch {
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: Array<string | number> };
}

async function cfnLint(templatePath: string): Promise<LintMatch[]> {
  if (!existsSync(CFN_LINT)) {
    throw new Error(
      `${CFN_LINT} is missing: run scripts/setup-test-env.sh to install the Python test tools into .venv`,
    );
  }
  try {
    const { stdout } = await promisify(execFile)(CFN_LINT, ['--format', 'json', templatePath], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout || '[]') as LintMatch[];
  } catch (error) {
    // cfn-lint exits non-zero (2 errors, 4 warnings, 8 informational) whenever it matched something.
    const { stdout, code } = error as { stdout?: string; code?: number };
    if (typeof code === 'number' && code > 0 && code < 16 && stdout) return JSON.parse(stdout) as LintMatch[];
    throw error;
  }
}

/**
 * W3005 "DependsOn already enforced by a GetAtt": CDK makes every Lambda function DependsOn its role *and* the role's
 * DefaultPolicy, so the function never starts without its permissions, and the deploy workflow's state machine the
 * same with `RoleArn`. The policy dependency matters; the role one duplicates the GetAtt and is harmless. Allowed
 * only there.
 */
const isCdkRoleDependency = (match: LintMatch) =>
  match.Rule.Id === 'W3005' &&
  match.Location.Path[2] === 'DependsOn' &&
  /dependency already enforced by a 'GetAtt' at .*\/Properties\/Role(Arn)?'/.test(match.Message);

let app: SynthesizedApp;
let construct: SynthesizedConstruct;
beforeAll(() => {
  app = synthRollgateApp({ configPath: EXAMPLE_CONFIG_FILE });
  construct = synthRollgateConstruct(fullRollgateProps);
});
afterAll(() => [app, construct].forEach(removeOutdir));

describe.each([
  ['the app from the example config', () => app.templatePath],
  [
    'the construct with every prop',
    () =>
      path.join(
        construct.assembly.directory,
        construct.assembly.getStackArtifact(construct.stack.artifactId).templateFile,
      ),
  ],
])('cfn-lint on %s', (_name, templatePath) => {
  let matches: LintMatch[];
  beforeAll(async () => {
    matches = await cfnLint(templatePath());
  });

  it('finds no errors', () => {
    expect(matches.filter((match) => match.Level === 'Error')).toEqual([]);
  });

  it('finds no warnings or notes besides the role DependsOn CDK adds to each function and the state machine', () => {
    expect(matches.filter((match) => match.Level !== 'Error' && !isCdkRoleDependency(match))).toEqual([]);
  });
});
