// The GitHub Action: runs `rollgate gate` itself (the same command, flags and exit codes, so there is no second gate)
// with the inputs as its flags, then reports the run's evidence to GitHub: outputs, a job summary, an annotation when
// the gate fails. The step fails with the gate's exit code.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { EVIDENCE_JSON } from '../../lambda/adapters/local/fs-evidence-store.ts';
import { ConfigError } from '../../lambda/core/errors.ts';
import type { EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';
import { EXIT_USAGE } from '../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli/cli-io.ts';
import { runGateCommand } from '../cli/gate/gate-command.ts';
import { evidenceDirFromArgv } from '../cli/gate/gate-options.ts';
import { renderStoredEvidence } from '../cli/gate/render-summary.ts';
import { gateArgvFromInputs } from './action-inputs.ts';
import { renderJobSummary } from './job-summary.ts';
import { appendToWorkflowFile, errorAnnotation, formatOutputs, stopCommands } from './github-step-io.ts';

interface GateRun {
  readonly code: number;
  /** What the gate printed: its evidence document, as JSON. */
  readonly printed: string;
  readonly document?: EvidenceDocument;
  /** The evidence file, when the gate wrote this run's record to it. */
  readonly evidencePath?: string;
}

export async function runAction(io: CliIo): Promise<number> {
  let argv: string[];
  try {
    argv = gateArgvFromInputs(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stdout.write(errorAnnotation('Rollgate: bad input', error.message));
    return EXIT_USAGE;
  }

  // Alerts, reasons and rollback output may hold text from the services probed or from the rollback: until the
  // summary has been printed, the runner reads no workflow command from this step's log.
  const guard = stopCommands();
  io.stdout.write(guard.stop);
  let run: GateRun;
  try {
    run = await runGate(argv, io);
    io.stdout.write(
      run.document === undefined
        ? run.printed
        : renderStoredEvidence(run.document, run.evidencePath ?? '(not written)'),
    );
  } finally {
    io.stdout.write(guard.resume);
  }
  // Nothing judged (short of a broken install, this cannot happen): the gate's own words and exit code stand.
  if (run.document === undefined) return run.code;

  const { document, evidencePath } = run;
  const outputs = { status: document.status, 'status-reason': document.status_reason, evidence: evidencePath ?? '' };
  appendToWorkflowFile(io.env, 'GITHUB_OUTPUT', formatOutputs(outputs));
  appendToWorkflowFile(io.env, 'GITHUB_STEP_SUMMARY', renderJobSummary(document, evidencePath));
  if (document.status === 'failed') {
    io.stdout.write(errorAnnotation(`Rollgate gate failed: ${document.status_reason}`, document.message));
  }
  return run.code;
}

/**
 * The gate prints its evidence (--json) into a buffer, so what is reported is this run's own record, never an older
 * file left in the evidence directory.
 */
async function runGate(argv: readonly string[], io: CliIo): Promise<GateRun> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  const code = await runGateCommand([...argv, '--json'], { ...io, stdout });
  const printed = Buffer.concat(chunks).toString('utf8');
  const document = parseEvidence(printed);
  if (document === undefined) return { code, printed };
  const evidencePath = writtenEvidencePath(resolve(io.cwd, evidenceDirFromArgv(argv), EVIDENCE_JSON), document);
  return { code, printed, document, ...(evidencePath === undefined ? {} : { evidencePath }) };
}

function parseEvidence(text: string): EvidenceDocument | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<EvidenceDocument> | null;
    return typeof parsed?.status === 'string' && typeof parsed.status_reason === 'string'
      ? (parsed as EvidenceDocument)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The evidence file, when it holds this run's record (a gate that could not write it leaves an older one, or none). */
function writtenEvidencePath(path: string, document: EvidenceDocument): string | undefined {
  try {
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as Partial<EvidenceDocument>;
    return onDisk.started_at === document.started_at ? path : undefined;
  } catch {
    return undefined;
  }
}
