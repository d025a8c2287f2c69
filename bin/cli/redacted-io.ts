// Every line a command writes to stderr passes the redactor: an error quoting a flag, a file field or a URL (whatever
// its scheme) must not print the credential in it, however the message was built.

import { Writable } from 'node:stream';
import { redactSecretsInText } from '../../lambda/core/secrets/redact.ts';
import type { CliIo } from './cli-io.ts';

const REDACTED_STREAM = Symbol('rollgate.redactedStream');

/** The same io, with stderr redacted (once: wrapping an already wrapped io returns it as is). */
export function withRedactedStderr(io: CliIo): CliIo {
  if (REDACTED_STREAM in io.stderr) return io;
  const target = io.stderr;
  const stderr = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      target.write(redactSecretsInText(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
      done();
    },
  });
  Object.defineProperty(stderr, REDACTED_STREAM, { value: true });
  return { ...io, stderr };
}
