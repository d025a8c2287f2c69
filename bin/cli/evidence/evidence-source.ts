// Opens the evidence reader a command was pointed at (the stack's bucket, or a local evidence directory), and turns
// what goes wrong while reading into one line and an exit code, for `rollgate evidence` and `rollgate report` alike.

import { resolve } from 'node:path';
import { FsEvidenceReader } from '../../../lambda/adapters/local/fs-evidence-reader.ts';
import { PortError, describeError, errorNameOf } from '../../../lambda/core/errors.ts';
import type { EvidenceReader } from '../../../lambda/core/evidence-query/evidence-reader.ts';
import { EXIT_FAILED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import type { EvidenceSource } from './evidence-options.ts';

const S3_CLIENT = '@aws-sdk/client-s3';

export async function openEvidenceReader(source: EvidenceSource, io: CliIo): Promise<EvidenceReader> {
  if (source.kind === 'directory') return new FsEvidenceReader(resolve(io.cwd, source.directory));
  const { openS3EvidenceReader } = await import('./s3-evidence-reader.ts');
  return openS3EvidenceReader(source.bucket, io.env);
}

/** Writes what stopped `command` as one line on stderr and returns its exit code (2 for a missing S3 client, else 1). */
export function reportReadFailure(error: unknown, command: string, io: CliIo): number {
  // The npm package leaves the S3 client out (an optional peer), so a pipeline that only gates never downloads it.
  if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && describeError(error).includes(S3_CLIENT)) {
    io.stderr.write(
      `${command} --bucket needs the AWS SDK's S3 client beside it: npm install ${S3_CLIENT} ` +
        `(or npx -p rollgate -p ${S3_CLIENT} ${command} ...)\n`,
    );
    return EXIT_USAGE;
  }
  // The adapters' errors already name the object and the AWS error; anything else (no region, a broken install)
  // still gets one line with its name rather than a stack trace.
  const name = error instanceof PortError ? error.errorName : errorNameOf(error);
  const message = error instanceof PortError ? error.message : describeError(error);
  io.stderr.write(`${command}: ${oneLine(message)}${message.includes(name) ? '' : ` (${name})`}\n`);
  return EXIT_FAILED;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
