// A child process for the directory store's race test (fs-state-store.test.ts): says it is ready, waits for the start
// signal, then reads two items and writes both at the revision it read, until they reach the target revision. A short
// random pause between read and write (a run probes there) lets other racers read the same revision. Prints what it saw
// as one JSON line: the revisions it won at, how many writes lost, and any read where the two items disagreed.
//   node --import tsx fs-state-store-racer.ts <directory> <racer id> <target revision> <start file>
import { existsSync, writeFileSync } from 'node:fs';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import { StateConflictError } from '../../../../lambda/core/state/state-errors.ts';
import { monitorStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';

const MAX_ATTEMPTS = 2_000;
const START_WAIT_MS = 30_000;

const [directory, racer, targetText, startFile] = process.argv.slice(2);
if (directory === undefined || racer === undefined || targetText === undefined || startFile === undefined) {
  throw new Error('usage: fs-state-store-racer.ts <directory> <racer id> <target revision> <start file>');
}
const target = Number(targetText);
const store = new FsStateStore({ directory, lockTimeoutMs: 30_000 });
const first = monitorStateKey('race-a');
const second = monitorStateKey('race-b');

writeFileSync(`${startFile}.ready-${racer}`, '');
const waitedSince = Date.now();
while (!existsSync(startFile)) {
  if (Date.now() - waitedSince > START_WAIT_MS) throw new Error(`no start signal at ${startFile}`);
  await new Promise((resolve) => setTimeout(resolve, 5));
}

const wonAt: number[] = [];
const disagreements: string[] = [];
let lost = 0;
for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
  const found = await store.read([first, second]);
  if (found.invalid.length > 0) disagreements.push(`invalid: ${JSON.stringify(found.invalid)}`);
  const revision = found.revisionOf(first);
  const a = found.get(first);
  const b = found.get(second);
  if (revision !== found.revisionOf(second) || a?.value.lastRun?.evidence !== b?.value.lastRun?.evidence) {
    disagreements.push(`a=${JSON.stringify(a)} b=${JSON.stringify(b)}`);
  }
  if ((revision ?? 0) >= target) break;
  await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10));
  const value = {
    state: 'up' as const,
    consecutiveFailures: 0,
    consecutiveSuccesses: (revision ?? 0) + 1,
    since: new Date().toISOString(),
    lastRun: {
      status: 'passed' as const,
      statusReason: 'all_probes_healthy' as const,
      at: new Date().toISOString(),
      evidence: `racer-${racer}-revision-${(revision ?? 0) + 1}`,
    },
  };
  try {
    await store.write([putState(first, value, revision), putState(second, value, revision)]);
    wonAt.push(revision ?? 0);
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
    lost += 1;
  }
}
process.stdout.write(`${JSON.stringify({ racer, wonAt, lost, disagreements })}\n`);
