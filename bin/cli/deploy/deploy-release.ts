// A release of several services (`rollgate deploy --components component-tags.json`): each registered component
// judged as its own deploy, a bounded number at once, each with its evidence in a folder of its own; the release
// passes only if every judged component passes. The summary lists each, and release.json keeps it for the pipeline.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shellQuote } from '../../../lambda/core/evidence/env-file.ts';
import { EXIT_PASSED, exitCodeForInterruption } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import type { DeployRequest } from './deploy-options.ts';
import { stopSignalOf } from '../stop-signal.ts';

export const RELEASE_SUMMARY_FILE = 'release.json';

/** How one component's deploy ended. */
export interface ComponentResult {
  readonly component: string;
  readonly version: string;
  readonly code: number;
  /** The verdict, or why there is none. */
  readonly status: string;
  readonly rollback_outcome?: string;
  readonly evidence?: string;
  readonly execution_arn?: string;
}

export interface ReleaseOptions {
  readonly environment: string;
  readonly concurrency: number;
  readonly evidenceDir: string;
  readonly json: boolean;
  /** Components the stack does not register: listed, not judged. */
  readonly notRegistered: readonly DeployRequest[];
  /** Aborted by SIGINT or SIGTERM (its reason): no component starts after it, each left listed as not started. */
  readonly stop?: AbortSignal;
}

/** Judges every component with `judge` (at most `concurrency` at once) and answers the release's exit code. */
export async function runRelease(
  deploys: readonly DeployRequest[],
  judge: (deploy: DeployRequest, evidenceDir: string) => Promise<ComponentResult>,
  options: ReleaseOptions,
  io: CliIo,
): Promise<number> {
  const results: ComponentResult[] = new Array(deploys.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    // Each worker takes the next component until none is left: bounded by the component count.
    while (next < deploys.length) {
      const index = next;
      next += 1;
      const deploy = deploys[index]!;
      const stop = options.stop;
      results[index] =
        stop?.aborted === true
          ? {
              component: deploy.service,
              version: deploy.version,
              code: exitCodeForInterruption(stopSignalOf(stop)),
              status: 'not_started',
            }
          : await judge(deploy, join(options.evidenceDir, deploy.service));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, deploys.length) }, worker));

  const code = Math.max(EXIT_PASSED, ...results.map((result) => result.code));
  const passed = code === EXIT_PASSED;
  const summary = {
    environment: options.environment,
    status: passed ? 'passed' : 'failed',
    components: results,
    not_registered: options.notRegistered.map((deploy) => ({ component: deploy.service, version: deploy.version })),
  };
  await mkdir(options.evidenceDir, { recursive: true });
  await writeFile(join(options.evidenceDir, RELEASE_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(options.evidenceDir, 'health-gate.env'), releaseEnvFile(summary.status, results));
  io.stdout.write(
    options.json ? `${JSON.stringify(summary, null, 2)}\n` : renderRelease(summary.status, results, options),
  );
  return code;
}

function releaseEnvFile(status: string, results: readonly ComponentResult[]): string {
  const failed = results.filter((result) => result.code !== EXIT_PASSED).map((result) => result.component);
  return [
    ['HEALTH_GATE_STATUS', status],
    ['HEALTH_GATE_COMPONENTS', results.map((result) => result.component).join(',')],
    ['HEALTH_GATE_FAILED_COMPONENTS', failed.join(',')],
  ]
    .map(([name, value]) => `${name}=${shellQuote(value!)}\n`)
    .join('');
}

function renderRelease(status: string, results: readonly ComponentResult[], options: ReleaseOptions): string {
  const rows = results.map((result) => [
    result.component,
    result.version,
    result.status,
    result.rollback_outcome ?? '',
    result.evidence ?? result.execution_arn ?? '',
  ]);
  const header = ['component', 'version', 'verdict', 'rollback', 'evidence'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const skipped = options.notRegistered.map(
    (deploy) => `not judged: ${deploy.service} ${deploy.version} is not registered for ${options.environment}\n`,
  );
  return [
    `Release ${options.environment}: ${status.toUpperCase()} (${results.filter((result) => result.code === EXIT_PASSED).length}/${results.length} passed)\n`,
    `${line(header)}\n`,
    ...rows.map((row) => `${line(row)}\n`),
    ...skipped,
  ].join('');
}
