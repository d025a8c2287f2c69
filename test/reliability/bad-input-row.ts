// What every bad-input row says and the inputs the rows share: one row per bad input, with the field its error must
// name, what the message must show (the value, the rule, or "(value withheld)") and a secret it must never show.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGateOptions } from '../../bin/cli/gate/gate-options.ts';

export interface BadInputRow {
  readonly name: string;
  readonly run: () => unknown;
  readonly field: string;
  /** Text the message must contain: the quoted value, the rule, or "(value withheld)". */
  readonly shows: string;
  /** Text the message must not contain (a secret). */
  readonly hides?: string;
}

export const SECRET = 'tok-5ecret-9f8e7d6c';
export const PROTOTYPE = 'is not allowed (prototype keys are refused)';
export const WITHHELD = '(value withheld)';
export const PROBE_URL = 'http://127.0.0.1:9/health';

/** Where the rows' config files are written and the CLI options read them from; removeBadInputDir cleans up. */
export const BAD_INPUT_DIR = mkdtempSync(join(tmpdir(), 'rollgate-bad-inputs-'));
mkdirSync(join(BAD_INPUT_DIR, 'a-directory'));

export function removeBadInputDir(): void {
  rmSync(BAD_INPUT_DIR, { recursive: true, force: true });
}

/** Writes `content` as `name` in the shared directory and returns the `--config` flags that read it. */
export function configFile(name: string, content: string | Buffer): string[] {
  writeFileSync(join(BAD_INPUT_DIR, name), content);
  return ['--config', name];
}

/** Reads `rollgate gate` options from `argv` and `env` in the shared directory. */
export function gateOptions(argv: readonly string[], env: Record<string, string> = {}): unknown {
  return readGateOptions(argv, env, BAD_INPUT_DIR);
}
