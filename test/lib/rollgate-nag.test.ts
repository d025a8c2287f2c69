// cdk-nag (AwsSolutions + Serverless, registered by lib/apply-nag-checks.ts exactly as bin/app.ts does) finds nothing
// in the no-props construct, the full-props construct or the app, and every acknowledgement answers a real finding.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyNagChecks } from '../../lib/apply-nag-checks.ts';
import { createRollgateApp, EXAMPLE_CONFIG_FILE } from '../../lib/rollgate-app.ts';
import {
  buildRollgateConstruct,
  cdkJsonContext,
  fullRollgateProps,
  nagViolations,
  removeOutdir,
  synthRollgateApp,
  synthRollgateConstruct,
  validationReport,
  type SynthesizedApp,
  type SynthesizedConstruct,
} from '../support/synth-stack.ts';

let noProps: SynthesizedConstruct;
let allProps: SynthesizedConstruct;
let app: SynthesizedApp;
beforeAll(() => {
  // Any nag finding, error or warning, already makes these synths throw; the checks below say which one.
  // The construct cases only need the tree, so their handlers are not bundled; the app case is the real thing.
  noProps = synthRollgateConstruct(undefined, { bundling: false });
  allProps = synthRollgateConstruct(fullRollgateProps, { bundling: false });
  app = synthRollgateApp({ configPath: EXAMPLE_CONFIG_FILE });
});
afterAll(() => [noProps, allProps, app].forEach(removeOutdir));

describe.each<[string, () => SynthesizedConstruct | SynthesizedApp]>([
  ['the construct with no props', () => noProps],
  ['the construct with every prop', () => allProps],
  ['the app from the example config', () => app],
])('%s', (_name, synth) => {
  it('has no AwsSolutions or Serverless error or warning in the validation report', () => {
    expect(nagViolations(synth().assembly)).toEqual([]);
  });

  it('has no nag annotations on the stack either', () => {
    // cdk-nag 3 reports through the validation report above; annotations are checked too, so nothing slips through
    // should a pack (or a later cdk-nag) annotate instead.
    const annotations = Annotations.fromStack(synth().stack);
    for (const pack of ['AwsSolutions-.*', 'Serverless-.*']) {
      expect(annotations.findError('*', Match.stringLikeRegexp(pack))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp(pack))).toEqual([]);
    }
  });
});

it("leaves nothing in the app's validation report, CDK's built-in template checks included", () => {
  expect(validationReport(app.assembly)).toEqual([]);
});

describe('the harness', () => {
  it('fails the synth on a nag warning, and finds it in the validation report', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-nag-'));
    try {
      const probeApp = new App({ outdir, context: cdkJsonContext() });
      new logs.LogGroup(new Stack(probeApp, 'Probe'), 'KeptForever', { retention: logs.RetentionDays.INFINITE });
      applyNagChecks(probeApp);
      expect(() => probeApp.synth()).toThrow(/Serverless-CloudWatchLogGroupRetentionPeriod/);
      expect(nagViolations(outdir)).toEqual([
        expect.objectContaining({
          pack: 'Serverless',
          ruleName: 'Serverless-CloudWatchLogGroupRetentionPeriod',
          severity: 'warning',
        }),
      ]);
    } finally {
      removeOutdir({ outdir });
    }
  });
});

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}
interface Finding {
  readonly ruleName: string;
  readonly path: string;
}

/** Acknowledgements as recorded in the construct tree (the metadata cdk-nag reads). */
function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          id: key.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** What the packs find in a tree built with every acknowledgement switched off. */
function findingsWithoutAcknowledgements(build: () => App): Finding[] {
  const acknowledge = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
  try {
    const tree = build();
    return [new AwsSolutionsChecks(), new ServerlessChecks()]
      .flatMap((pack) => pack.validateScope(tree).violations)
      .flatMap((violation) =>
        violation.violatingResources.map((resource) => ({
          ruleName: violation.ruleName,
          path: resource.constructPath ?? '',
        })),
      );
  } finally {
    acknowledge.mockRestore();
  }
}

const covers = (ack: Acknowledgement, finding: Finding) =>
  ack.id === finding.ruleName && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));

function buildExampleApp(): { app: App; outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-app-'));
  const appProps = { outdir, context: cdkJsonContext({ bundling: false }) };
  return { app: createRollgateApp({ configPath: EXAMPLE_CONFIG_FILE, appProps }).app, outdir };
}

describe.each<[string, () => { app: App; outdir: string }]>([
  // Only the construct tree matters here, so the handlers are not bundled.
  ['the construct with no props', () => buildRollgateConstruct(undefined, { bundling: false })],
  ['the construct with every prop', () => buildRollgateConstruct(fullRollgateProps, { bundling: false })],
  ['the app from the example config', buildExampleApp],
])('acknowledgements in %s', (_name, build) => {
  let acknowledgements: Acknowledgement[];
  let findings: Finding[];
  const outdirs: string[] = [];
  beforeAll(() => {
    const built = build();
    outdirs.push(built.outdir);
    acknowledgements = acknowledgementsIn(built.app);
    findings = findingsWithoutAcknowledgements(() => {
      const unacknowledged = build();
      outdirs.push(unacknowledged.outdir);
      return unacknowledged.app;
    });
  });
  afterAll(() => {
    for (const outdir of outdirs) removeOutdir({ outdir });
  });

  it('each answers a finding on its own construct, and together they answer every finding', () => {
    expect(findings.length).toBeGreaterThan(0);
    expect(acknowledgements.filter((ack) => !findings.some((finding) => covers(ack, finding)))).toEqual([]);
    expect(findings.filter((finding) => !acknowledgements.some((ack) => covers(ack, finding)))).toEqual([]);
  });

  it('narrows every IAM5 acknowledgement to one resource (no bare rule id)', () => {
    const iam5 = acknowledgements.filter((ack) => ack.id.startsWith('AwsSolutions-IAM5'));
    expect(iam5.length).toBeGreaterThan(0);
    for (const ack of iam5) expect(ack.id).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
  });

  it('gives every acknowledgement a reason that explains it', () => {
    for (const ack of acknowledgements) expect(ack.reason.length, ack.id).toBeGreaterThanOrEqual(60);
  });
});
