// A CliIo whose stdout and stderr are kept as text, for running CLI commands and the Action in-process.
import { Writable } from 'node:stream';
import type { CliIo } from '../../bin/cli/cli-io.ts';

export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stderrText(): string;
}

export function capturedIo(cwd: string, env: Readonly<Record<string, string | undefined>> = {}): CapturedIo {
  const stdout = textSink();
  const stderr = textSink();
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...env },
    cwd,
    stdoutText: stdout.text,
    stderrText: stderr.text,
  };
}

function textSink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
