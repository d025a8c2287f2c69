// Vitest setup file: keeps the Lambdas' own output out of the test report. Powertools writes its JSON log lines and EMF
// metric blobs straight to stdout/stderr, so they would land between the test results; here they are held per test
// and printed (to stderr, under a header) only when that test fails, where they help. Tests that assert on logs or
// metrics capture them first (captureOutput in handler-harness.ts), so they see every line as before. The AWS SDK's
// NodeVersionSupportWarning is switched off by its own variable.

import { beforeEach } from 'vitest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Enough of a failing test's Lambda output to read; a test that logs more keeps the last lines. */
const HELD_LINES_LIMIT = 200;

type Write = typeof process.stdout.write;

const held: string[] = [];

/** A Powertools log line (level and message) or an EMF blob (`_aws`), one JSON object per line. */
function isLambdaRecord(line: string): boolean {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return false;
  try {
    const record = JSON.parse(text) as Record<string, unknown>;
    return '_aws' in record || ('level' in record && 'message' in record);
  } catch {
    return false;
  }
}

/** Wraps a stream's write so whole chunks of Lambda records are held instead of printed; anything else goes through. */
function holdLambdaRecords(stream: NodeJS.WriteStream): Write {
  const original = stream.write.bind(stream) as Write;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0 || !lines.every(isLambdaRecord)) {
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }
    held.push(...lines);
    held.splice(0, Math.max(0, held.length - HELD_LINES_LIMIT));
    const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
    if (callback !== undefined) process.nextTick(callback);
    return true;
  }) as Write;
  return original;
}

holdLambdaRecords(process.stdout);
const writeToStderr = holdLambdaRecords(process.stderr);

beforeEach(({ onTestFailed }) => {
  held.length = 0;
  onTestFailed(() => {
    if (held.length === 0) return;
    writeToStderr(`--- Lambda output of the failed test (${held.length} line(s)) ---\n${held.join('\n')}\n---\n`);
  });
});
