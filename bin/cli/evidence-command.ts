// `rollgate evidence list|show`: reads S3 evidence after an incident. Usage errors exit 2, AWS errors exit 1, each as
// one line naming what failed and the AWS error's name. The SDK is imported here, on use, never at CLI start.

import { ConfigError, PortError, describeError, errorNameOf } from '../../lambda/core/errors.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../lambda/core/verdict/verdict.ts';
import type { CliIo } from './cli-io.ts';
import { readEvidenceOptions, type EvidenceOptions } from './evidence-options.ts';
import { EVIDENCE_HELP } from './help-text.ts';
import { withRedactedStderr } from './redacted-io.ts';
import { renderStoredEvidence } from './render-summary.ts';

const S3_CLIENT = '@aws-sdk/client-s3';

export async function runEvidenceCommand(argv: readonly string[], unredactedIo: CliIo): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: EvidenceOptions;
  try {
    options = readEvidenceOptions(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.action === 'help') {
    io.stdout.write(EVIDENCE_HELP);
    return EXIT_PASSED;
  }
  try {
    const { openS3EvidenceStore } = await import('./s3-evidence-reader.ts');
    const store = openS3EvidenceStore(options.bucket, io.env);
    if (options.action === 'list') {
      const keys = newestFirst(await store.list(options.prefix)).slice(0, options.limit);
      io.stdout.write(options.json ? `${JSON.stringify(keys, null, 2)}\n` : keys.map((key) => `${key}\n`).join(''));
    } else {
      const document = await store.get(options.key);
      io.stdout.write(
        options.json
          ? `${JSON.stringify(document, null, 2)}\n`
          : renderStoredEvidence(document, `s3://${options.bucket}/${options.key}`),
      );
    }
    return EXIT_PASSED;
  } catch (error) {
    // The npm package leaves the S3 client out (an optional peer), so a pipeline that only gates never downloads it.
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && describeError(error).includes(S3_CLIENT)) {
      io.stderr.write(
        `rollgate evidence needs the AWS SDK's S3 client beside it: npm install ${S3_CLIENT} ` +
          `(or npx -p rollgate -p ${S3_CLIENT} rollgate evidence ...)\n`,
      );
      return EXIT_USAGE;
    }
    // The adapter's errors already name the object and the AWS error; anything else (no region, a broken install)
    // still gets one line with its name rather than a stack trace.
    const name = error instanceof PortError ? error.errorName : errorNameOf(error);
    const message = error instanceof PortError ? error.message : describeError(error);
    io.stderr.write(
      `rollgate evidence ${options.action}: ${oneLine(message)}${message.includes(name) ? '' : ` (${name})`}\n`,
    );
    return EXIT_FAILED;
  }
}

/**
 * Keys start their file name with the run's UTC stamp, so ordering by file name is ordering by time even across
 * services or days; a run's rollback record sorts before (above) its verdict record.
 */
function newestFirst(keys: readonly string[]): string[] {
  const fileName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);
  // Code-unit order, as S3 lists keys; localeCompare would depend on the operator's locale.
  const descending = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);
  return [...keys].sort((a, b) => descending(fileName(a), fileName(b)) || descending(a, b));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
