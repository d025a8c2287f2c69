// The files of the project that installs the packed package, as a user would write them: a CommonJS CDK app (the
// shape `cdk init` gives), TypeScript that imports the engine and the construct with types, and a script for a
// bundler. Kept as text here: as .ts files in test/ they would be type-checked against this repository instead.

/** A CDK app that takes the construct with one import; `cdk-context.json` holds the feature flags of cdk.json. */
export const CDK_APP = `// A CDK app that installed rollgate: one import, then synth (every cdk-nag finding fails it).
const { readFileSync } = require('node:fs');
const { App, Stack } = require('aws-cdk-lib');
const { Rollgate, applyNagChecks } = require('rollgate/cdk');

const context = JSON.parse(readFileSync('cdk-context.json', 'utf8'));
const app = new App({ outdir: process.argv[2], context, builtinCloudFormationValidation: false });
new Rollgate(new Stack(app, 'RollgateTest'), 'Rollgate');
new Rollgate(new Stack(app, 'PowertoolsBundled'), 'Rollgate', { powertools: 'bundled' });
applyNagChecks(app);
app.synth();
`;

/** The engine with its types: a wrong type must be an error (@ts-expect-error fails when types are `any`). */
export const ENGINE_TS = `import {
  ConfigError,
  ConsoleNotifier,
  FsEvidenceStore,
  parseGateConfig,
  runGate,
  type GateOutcome,
  type GateStatus,
} from 'rollgate';

export async function gate(url: string): Promise<GateStatus> {
  const config = parseGateConfig({ targets: [{ url }], retries: 0 });
  const timeoutMs: number = config.timeoutMs;
  const outcome: GateOutcome = await runGate(config, { kind: 'gate' }, {
    evidenceStore: new FsEvidenceStore('evidence'),
    notifier: new ConsoleNotifier(),
  });
  // @ts-expect-error a verdict is passed, failed or skipped, never any other word
  const wrong: GateStatus = 'maybe';
  console.log(timeoutMs, wrong);
  return outcome.verdict.status;
}

export function fieldOf(raw: unknown): string | undefined {
  try {
    parseGateConfig(raw);
    return undefined;
  } catch (error) {
    return error instanceof ConfigError ? error.field : undefined;
  }
}
`;

/** The construct with its types, from a CommonJS module (require of the ES module package). */
export const CDK_TS = `import { App, Stack } from 'aws-cdk-lib';
import { applyNagChecks, Rollgate, type RollgateProps } from 'rollgate/cdk';

const props: RollgateProps = { alertEmails: ['oncall@example.com'], powertools: 'bundled' };
// @ts-expect-error Powertools comes from its layer or the bundle, nothing else
const wrong: RollgateProps = { powertools: 'npm' };
const app = new App();
const rollgate = new Rollgate(new Stack(app, 'Typed'), 'Rollgate', props);
const name: string = rollgate.deployGateFunction.functionName;
applyNagChecks(app);
console.log(name, wrong);
`;

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "files": ["engine.mts", "cdk.cts"]
}
`;

/** A script a bundler takes in: the engine's JavaScript must bundle and run. */
export const BUNDLED_SCRIPT = `import { ConfigError, parseGateConfig } from 'rollgate';

try {
  parseGateConfig({ targets: [{ url: 'ftp://example.com/' }] });
} catch (error) {
  console.log(error instanceof ConfigError ? error.field : 'unexpected');
}
`;
