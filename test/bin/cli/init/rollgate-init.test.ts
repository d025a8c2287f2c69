// `rollgate init` in a temp dir: the starter config it writes (which the gate accepts as it is), the CI snippets it
// prints, and its refusal to overwrite a file.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INIT_HELP, TOP_HELP } from '../../../../bin/cli/help-text.ts';
import { runCli } from '../../../../bin/cli/run-cli.ts';
import { ROLLGATE_VERSION } from '../../../../bin/cli/version.ts';
import { capturedIo } from '../../captured-io.ts';

const SCHEMA = './node_modules/rollgate/schema/rollgate.config.schema.json';

async function rollgate(dir: string, ...argv: string[]) {
  const io = capturedIo(dir);
  const code = await runCli(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'rollgate-init-'));
}

describe('rollgate init', () => {
  it('writes rollgate.config.json with a $schema reference and example targets with expectations', async () => {
    const dir = workspace();
    const run = await rollgate(dir, 'init');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const config = JSON.parse(readFileSync(join(dir, 'rollgate.config.json'), 'utf8'));
    expect(config.$schema).toBe(SCHEMA);
    expect(config.targets).toHaveLength(2);
    for (const target of config.targets) expect(target).toMatchObject({ url: expect.any(String), expect: {} });
    expect(run.stdout).toContain('Wrote rollgate.config.json. Before the first run:');
  });

  it('prints the CI snippets for GitHub Actions, GitLab CI and a plain shell', async () => {
    const { stdout } = await rollgate(workspace(), 'init');
    expect(stdout).toContain(`uses: rollgate/rollgate@v${ROLLGATE_VERSION}`);
    expect(stdout).toContain('config: rollgate.config.json');
    expect(stdout).toContain('GitLab CI:');
    expect(stdout).toContain('- npx rollgate gate --config rollgate.config.json --expect-version "$CI_COMMIT_SHA"');
    expect(stdout).toContain('Any shell');
    expect(stdout).toContain('npx rollgate gate --config rollgate.config.json --expect-version "$VERSION"');
  });

  it('writes a config the gate accepts as it is, $schema included', async () => {
    const dir = workspace();
    await rollgate(dir, 'init');
    const run = await rollgate(dir, 'gate', '--config', 'rollgate.config.json', '--dry-run');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Targets (2)');
  });

  it('refuses a second time with exit 2 naming the file, and leaves the file as it was', async () => {
    const dir = workspace();
    expect((await rollgate(dir, 'init')).code).toBe(0);
    writeFileSync(join(dir, 'rollgate.config.json'), '{"targets": []}\n');
    const run = await rollgate(dir, 'init');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rollgate init: rollgate.config.json already exists; not overwriting it');
    expect(run.stdout).toBe('');
    expect(readFileSync(join(dir, 'rollgate.config.json'), 'utf8')).toBe('{"targets": []}\n');
  });

  it('writes to --config FILE with the $schema path relative to that file, and names it in the snippets', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'deploy'));
    const run = await rollgate(dir, 'init', '--config', 'deploy/gate.json');
    expect(run.code).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'deploy', 'gate.json'), 'utf8'));
    expect(config.$schema).toBe('../node_modules/rollgate/schema/rollgate.config.schema.json');
    expect(run.stdout).toContain('npx rollgate gate --config deploy/gate.json');
  });

  it('exits 2 naming the file when it cannot be written', async () => {
    const run = await rollgate(workspace(), 'init', '--config', 'missing-dir/rollgate.config.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rollgate init: cannot write missing-dir/rollgate.config.json');
  });

  it.each([
    ['init', '--help'],
    ['help', 'init'],
    ['init', '-h'],
  ])('prints its help for `rollgate %s %s`', async (...argv) => {
    const run = await rollgate(workspace(), ...argv);
    expect(run).toEqual({ code: 0, stdout: INIT_HELP, stderr: '' });
  });

  it('is listed in the top-level help', () => {
    expect(TOP_HELP).toContain('rollgate init ');
  });

  it('exits 2 on an unknown flag', async () => {
    const run = await rollgate(workspace(), 'init', '--force');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--force');
  });
});
