// The CDK app as `cdk synth` runs it (bin/app.ts -> createRollgateApp): built from the shipped example config,
// environment-agnostic, and with both handlers bundled into asset directories the assembly points at.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG_FILE } from '../../lib/rollgate-app.ts';
import {
  functionBundleDirectory,
  POWERTOOLS_LOGGER_SOURCE_MARKER,
  removeOutdir,
  synthDeployGateBundle,
  synthRollgateApp,
  type SynthesizedApp,
} from '../support/synth-stack.ts';

/** The bundle size target (minified index.js), met by leaving Powertools to its layer. */
const BUNDLE_LIMIT_BYTES = 150 * 1024;

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthRollgateApp({ configPath: EXAMPLE_CONFIG_FILE });
});
afterAll(() => removeOutdir(synth));

describe('the app', () => {
  it('synthesizes one environment-agnostic stack named by the config', () => {
    expect(synth.assembly.stacks.map((stack) => stack.stackName)).toEqual(['Rollgate']);
    const [artifact] = synth.assembly.stacks;
    expect(artifact!.environment.account).toBe('unknown-account');
    expect(artifact!.environment.region).toBe('unknown-region');
  });

  it("turns the example monitor into a schedule rule whose input is the monitor's name", () => {
    const rules = Object.values(synth.template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.ScheduleExpression,
    );
    expect(rules).toHaveLength(1);
    const input = JSON.parse(rules[0]!.Properties.Targets[0].Input);
    expect(input).toEqual({ monitor: 'checkout-prod' });
  });

  it('subscribes the example alert address', () => {
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('writes each nag acknowledgement and its reason into the template metadata', () => {
    const resources = Object.values(synth.template.toJSON().Resources) as Array<{ Metadata?: Record<string, unknown> }>;
    const acknowledged = resources.flatMap(
      (resource) =>
        (resource.Metadata?.cdk_nag as { rules_to_suppress?: Array<{ id: string; reason: string }> } | undefined)
          ?.rules_to_suppress ?? [],
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const rule of acknowledged) expect(rule.reason.length).toBeGreaterThan(40);
  });
});

describe('bundles', () => {
  it.each([
    ['deploy gate', () => synth.stack.rollgate.deployGateFunction],
    ['scheduled check', () => synth.stack.rollgate.scheduledCheckFunction],
  ])('the assembly points the %s at an asset directory holding index.js and its source map', (_name, fn) => {
    const directory = functionBundleDirectory(synth.assembly, synth.stack, fn());
    expect(path.dirname(directory)).toBe(synth.assembly.directory);
    expect(existsSync(path.join(directory, 'index.js'))).toBe(true);
    expect(existsSync(path.join(directory, 'index.js.map'))).toBe(true);
  });

  it.each([
    ['deploy gate', () => synth.stack.rollgate.deployGateFunction],
    ['scheduled check', () => synth.stack.rollgate.scheduledCheckFunction],
  ])('leaves Powertools out of the %s bundle (it comes from the layer), which stays under 150 KB', (_name, fn) => {
    const file = path.join(functionBundleDirectory(synth.assembly, synth.stack, fn()), 'index.js');
    const source = readFileSync(file, 'utf8');
    expect(source).toContain('require("@aws-lambda-powertools/logger")');
    expect(source).not.toContain(POWERTOOLS_LOGGER_SOURCE_MARKER);
    expect(statSync(file).size).toBeLessThan(BUNDLE_LIMIT_BYTES);
  });

  it('synthDeployGateBundle returns the absolute path of a fresh deploy-gate asset directory holding index.js', () => {
    const directory = synthDeployGateBundle({ configPath: EXAMPLE_CONFIG_FILE });
    try {
      expect(path.isAbsolute(directory)).toBe(true);
      expect(statSync(directory).isDirectory()).toBe(true);
      expect(existsSync(path.join(directory, 'index.js'))).toBe(true);
    } finally {
      rmSync(path.dirname(directory), { recursive: true, force: true });
    }
  });
});
