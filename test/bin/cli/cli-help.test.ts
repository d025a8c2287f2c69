// `rollgate help <command>` prints what `rollgate <command> --help` prints, for every command that has its own help.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../bin/cli/run-cli.ts';
import { TOP_HELP } from '../../../bin/cli/help-text.ts';
import { capturedIo } from '../captured-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollgate-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function printed(argv: readonly string[]): Promise<{ code: number; stdout: string }> {
  const io = capturedIo(dir);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdoutText() };
}

describe('rollgate help', () => {
  it.each([
    'gate',
    'deploy',
    'monitor',
    'status',
    'evidence',
    'report',
    'init',
    'pause',
    'resume',
    'approve',
    'reject',
  ])('help %s prints the command’s own --help', async (command) => {
    const own = await printed([command, '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^Usage: rollgate /);
    expect(await printed(['help', command])).toEqual(own);
  });

  it('prints the overview for a topic it does not know', async () => {
    expect(await printed(['help', 'nothing'])).toEqual({ code: 0, stdout: TOP_HELP });
  });
});
