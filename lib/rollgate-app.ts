// Builds the Rollgate CDK app: config file -> RollgateStack -> cdk-nag packs. bin/app.ts and the tests both call
// this, so what the tests synthesize is what `cdk synth` synthesizes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, type AppProps } from 'aws-cdk-lib';
import { applyNagChecks } from './apply-nag-checks.ts';
import { loadRollgateConfig, parseRollgateConfig, type RollgateConfig } from './rollgate-config.ts';
import { RollgateStack } from './rollgate-stack.ts';

export const CONFIG_FILE = fileURLToPath(new URL('../rollgate.config.json', import.meta.url));
export const EXAMPLE_CONFIG_FILE = fileURLToPath(new URL('../rollgate.config.example.json', import.meta.url));

export interface RollgateAppOptions {
  /**
   * The config, already parsed (tests); validated like a file.
   * @default - read from `configPath`
   */
  readonly config?: unknown;
  /**
   * The config file to read when `config` is not given.
   * @default - rollgate.config.json in the repository root if present, else rollgate.config.example.json
   */
  readonly configPath?: string;
  /**
   * App props such as `outdir` and `context` (tests pass cdk.json's context; the CLI passes it itself).
   * @default - none
   */
  readonly appProps?: AppProps;
}

export interface RollgateApp {
  readonly app: App;
  readonly stack: RollgateStack;
  readonly config: RollgateConfig;
}

export function createRollgateApp(options: RollgateAppOptions = {}): RollgateApp {
  const config =
    options.config !== undefined
      ? parseRollgateConfig(options.config)
      : loadRollgateConfig(options.configPath ?? defaultConfigPath());
  const app = new App(options.appProps);
  const stack = new RollgateStack(app, config.stackName, { config });
  applyNagChecks(app);
  return { app, stack, config };
}

export function defaultConfigPath(): string {
  return existsSync(CONFIG_FILE) ? CONFIG_FILE : EXAMPLE_CONFIG_FILE;
}
