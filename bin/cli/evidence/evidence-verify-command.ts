// `rollgate evidence verify`: reads a chain's head from the state store and its records from the bucket or a local
// evidence directory, walks the chain and prints what it found. Exit 0 intact, 1 broken, nothing to verify or a read
// error (one line naming what failed), 2 usage error. The SDK clients are imported on use.

import { resolve } from 'node:path';
import { FsEvidenceChainSource } from '../../../lambda/adapters/local/fs-evidence-chain-source.ts';
import { ConfigError, describeError } from '../../../lambda/core/errors.ts';
import type { EvidenceChainSource } from '../../../lambda/core/evidence/evidence-chain-source.ts';
import { evidenceChainNameOf } from '../../../lambda/core/evidence/evidence-chain.ts';
import { verifyEvidenceChain } from '../../../lambda/core/evidence/verify-evidence-chain.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import type { EvidenceSource } from './evidence-options.ts';
import { reportReadFailure } from './evidence-source.ts';
import { EVIDENCE_VERIFY_HELP } from './evidence-verify-help.ts';
import { renderVerification, verificationJson } from './evidence-verify-lines.ts';
import { readEvidenceVerifyOptions, type EvidenceVerifyOptions } from './evidence-verify-options.ts';
import { printableLine } from './evidence-view-text.ts';
import { openStateStore } from '../pause/pause-command.ts';
import { withRedactedStderr } from '../redacted-io.ts';
import { describeStateLocation } from '../state-location-flags.ts';

const COMMAND = 'rollgate evidence verify';
const DYNAMODB_CLIENT = '@aws-sdk/client-dynamodb';

export async function runEvidenceVerifyCommand(argv: readonly string[], unredactedIo: CliIo): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: EvidenceVerifyOptions;
  try {
    options = readEvidenceVerifyOptions(argv, new Date());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.action === 'help') {
    io.stdout.write(EVIDENCE_VERIFY_HELP);
    return EXIT_PASSED;
  }
  try {
    const state = await openStateStore(options.state, io.cwd);
    const found = await state.read([options.chainKey]);
    const entry = found.entry(options.chainKey);
    const chain = evidenceChainNameOf(options.chainKey);
    if (entry !== undefined && entry.status !== 'live') {
      // A head that cannot be read is itself a broken chain: nothing says where it ended.
      const why = entry.status === 'invalid' ? entry.problem : 'it has expired';
      io.stderr.write(`${COMMAND}: the head of chain ${chain} cannot be used: ${printableLine(why)}\n`);
      return EXIT_FAILED;
    }
    const source = await openChainSource(options.source, io);
    const result = await verifyEvidenceChain({
      chain,
      head: found.get(options.chainKey)?.value,
      source,
      ...(options.since !== undefined ? { since: options.since } : {}),
    });
    const places = {
      records: source.describe(),
      state: describeStateLocation(options.state),
      ...(options.since !== undefined ? { since: options.since } : {}),
    };
    io.stdout.write(options.json ? verificationJson(result) : renderVerification(result, places));
    return result.intact ? EXIT_PASSED : EXIT_FAILED;
  } catch (error) {
    // The npm package leaves the DynamoDB client out (an optional peer): only --table needs it.
    if (
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      describeError(error).includes(DYNAMODB_CLIENT)
    ) {
      io.stderr.write(
        `${COMMAND} --table needs the AWS SDK's DynamoDB client beside it: npm install ${DYNAMODB_CLIENT} ` +
          `(or npx -p rollgate -p ${DYNAMODB_CLIENT} ${COMMAND} ...)\n`,
      );
      return EXIT_USAGE;
    }
    return reportReadFailure(error, COMMAND, io);
  }
}

async function openChainSource(source: EvidenceSource, io: CliIo): Promise<EvidenceChainSource> {
  if (source.kind === 'directory') return new FsEvidenceChainSource(resolve(io.cwd, source.directory));
  const { openS3EvidenceChainSource } = await import('./s3-evidence-chain-source-opener.ts');
  return openS3EvidenceChainSource(source.bucket, io.env);
}
