// A release's components judged a bounded number at once; once SIGINT or SIGTERM stops the command, no further
// component starts: each is listed as not started, and the release exits as the signal says.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRelease, type ComponentResult } from '../../../../bin/cli/deploy/deploy-release.ts';
import type { DeployRequest } from '../../../../bin/cli/deploy/deploy-options.ts';
import { capturedIo } from '../../captured-io.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const deploy = (service: string): DeployRequest => ({ service, environment: 'prod', version: '1.4.2' });

describe('runRelease', () => {
  it('starts no component after a stop, listing each as not started, and exits 130 for SIGINT', async () => {
    const evidenceDir = mkdtempSync(join(tmpdir(), 'rollgate-release-'));
    dirs.push(evidenceDir);
    const stop = new AbortController();
    const judged: string[] = [];
    const judge = async (request: DeployRequest): Promise<ComponentResult> => {
      judged.push(request.service);
      // A signal arrives while the first component is followed.
      stop.abort('SIGINT');
      return { component: request.service, version: request.version, code: 130, status: 'no_verdict_yet' };
    };
    const io = capturedIo(evidenceDir);

    const code = await runRelease(
      [deploy('api'), deploy('web'), deploy('worker')],
      judge,
      {
        environment: 'prod',
        concurrency: 1,
        evidenceDir,
        json: false,
        notRegistered: [],
        stop: stop.signal,
      },
      io,
    );

    expect(code).toBe(130);
    expect(judged).toEqual(['api']);
    const summary = JSON.parse(readFileSync(join(evidenceDir, 'release.json'), 'utf8'));
    expect(summary.status).toBe('failed');
    expect(summary.components.map((component: ComponentResult) => component.status)).toEqual([
      'no_verdict_yet',
      'not_started',
      'not_started',
    ]);
  });
});
