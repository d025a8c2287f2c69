// `rollgate pause` and `rollgate resume`: write or remove a service's pause item in the state directory or the stack's
// state table. While it holds, gates and monitors probe and record but neither alert nor roll back. Usage errors exit
// 2, a store that cannot be used exits 1, each as one line; the DynamoDB client is imported only for --table.

import { resolve } from 'node:path';
import { FsStateStore } from '../../../lambda/adapters/local/fs-state-store.ts';
import { parseWithSchema } from '../../../lambda/core/config/config-schema.ts';
import { ConfigError, ConfigErrors, describeError, errorNameOf, PortError } from '../../../lambda/core/errors.ts';
import { pauseSchema, type Pause } from '../../../lambda/core/state/pause.ts';
import { StateConflictError } from '../../../lambda/core/state/state-errors.ts';
import { pauseKey } from '../../../lambda/core/state/state-keys.ts';
import { deleteState, putState, type StateStore } from '../../../lambda/core/state/state-store.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { PAUSE_HELP } from '../help-text.ts';
import type { StateLocation } from '../state-location-flags.ts';
import { readPauseOptions, type PauseAction, type PauseOptions } from './pause-options.ts';
import { withRedactedStderr } from '../redacted-io.ts';

const DYNAMODB_CLIENT = '@aws-sdk/client-dynamodb';
/** Read, decide, write; once more if another writer changed the item in between. */
const MAX_ATTEMPTS = 2;

export async function runPauseCommand(
  action: PauseAction,
  argv: readonly string[],
  unredactedIo: CliIo,
): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: PauseOptions;
  let pause: Pause | undefined;
  try {
    options = readPauseOptions(action, argv);
    if (options.action === 'pause') pause = pauseItem(options, new Date());
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.action === 'help') {
    io.stdout.write(PAUSE_HELP);
    return EXIT_PASSED;
  }
  const scope = `${options.service}/${options.environment}`;
  try {
    const store = await openStateStore(options.store, io.cwd);
    const key = pauseKey(options.service, options.environment);
    if (pause !== undefined) {
      await retried(async () => {
        const found = await store.read([key]);
        await store.write([putState(key, pause, found.revisionOf(key), { expiresAt: new Date(pause.until) })]);
      });
      io.stdout.write(
        options.json
          ? `${JSON.stringify({ service: options.service, environment: options.environment, pause }, null, 2)}\n`
          : `Paused ${scope} until ${pause.until}: ${pause.reason}\n` +
              'Gates and monitors still probe and record it, but neither alert nor roll back until then ' +
              `(rollgate resume --service ${options.service} --environment ${options.environment} ends it).\n`,
      );
      return EXIT_PASSED;
    }
    const ended = await retried(async () => {
      const found = await store.read([key]);
      const revision = found.revisionOf(key);
      if (revision !== undefined) await store.write([deleteState(key, revision)]);
      return found.get(key)?.value;
    });
    io.stdout.write(
      options.json
        ? `${JSON.stringify({ service: options.service, environment: options.environment, resumed: ended ?? null }, null, 2)}\n`
        : ended === undefined
          ? `${scope} was not paused\n`
          : `Resumed ${scope} (it was paused until ${ended.until}: ${ended.reason})\n`,
    );
    return EXIT_PASSED;
  } catch (error) {
    // The npm package leaves the DynamoDB client out (an optional peer): only --table needs it.
    if (
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      describeError(error).includes(DYNAMODB_CLIENT)
    ) {
      io.stderr.write(
        `rollgate ${action} --table needs the AWS SDK's DynamoDB client beside it: npm install ${DYNAMODB_CLIENT} ` +
          `(or npx -p rollgate -p ${DYNAMODB_CLIENT} rollgate ${action} ...)\n`,
      );
      return EXIT_USAGE;
    }
    const name = error instanceof PortError ? error.errorName : errorNameOf(error);
    const message = error instanceof PortError ? error.message : describeError(error);
    io.stderr.write(`rollgate ${action} ${scope}: ${oneLine(message)}${message.includes(name) ? '' : ` (${name})`}\n`);
    return EXIT_FAILED;
  }
}

/** The pause item, checked by its own schema with each field named by the flag that gave it. */
function pauseItem(options: Extract<PauseOptions, { action: 'pause' }>, now: Date): Pause {
  const raw = {
    reason: options.reason,
    ...(options.by !== undefined ? { by: options.by } : {}),
    since: now.toISOString(),
    until: new Date(now.getTime() + options.forMs).toISOString(),
  };
  return parseWithSchema(pauseSchema, raw, { reason: '--reason', by: '--by', until: '--for' }, 'pause');
}

/** The state directory, or the stack's table with its DynamoDB client loaded only now (an optional peer). */
export async function openStateStore(location: StateLocation, cwd: string): Promise<StateStore> {
  if ('directory' in location) return new FsStateStore({ directory: resolve(cwd, location.directory) });
  const { openDynamoDbStateStore } = await import('../dynamodb-state-store-opener.ts');
  return openDynamoDbStateStore(location.table);
}

async function retried<T>(attempt: () => Promise<T>): Promise<T> {
  for (let count = 1; ; count += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StateConflictError) || count >= MAX_ATTEMPTS) throw error;
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
