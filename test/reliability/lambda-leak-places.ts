// The places a Lambda leak scenario searches, named alike for both handlers, and the one that reads the handler's
// evidence back through `rollgate evidence show` (as text: the JSON form prints the stored object, searched already).

import type { CapturedPlace } from './leak-scenario.ts';
import { expectRun } from './leak-scenario.ts';
import { motoEnvironment, spawnRollgate } from './spawn-rollgate.ts';

export type LambdaPlaces = Record<string, CapturedPlace>;

const SHOW = 'rollgate evidence show (its records)';

export const LAMBDA_PLACES: readonly string[] = [
  'Powertools log lines',
  'EMF metric blobs',
  'S3 evidence objects',
  'SNS alerts (from the subscribed queue)',
  'SSM SendCommand requests',
  'handler responses',
  'thrown errors, as the Lambda runtime logs them',
  `${SHOW}: stdout`,
  `${SHOW}: stderr`,
  'requests the service received',
];

/** `rollgate evidence show` of each key, its output gathered per stream. */
export async function showEvidence(bucket: string, keys: readonly string[]): Promise<LambdaPlaces> {
  expectRun(keys.length > 0, 'the handler should have written evidence to show', keys);
  const runs = await Promise.all(
    keys.map((key) =>
      spawnRollgate(['evidence', 'show', '--bucket', bucket, '--key', key], { env: motoEnvironment() }),
    ),
  );
  expectRun(
    runs.every((run) => run.code === 0),
    'rollgate evidence show should read every record',
    runs.map((run) => run.stderr),
  );
  return {
    [`${SHOW}: stdout`]: { text: runs.map((run) => run.stdout).join('\n') },
    [`${SHOW}: stderr`]: { text: runs.map((run) => run.stderr).join('\n') },
  };
}
