// What the Lambda leak scenarios read back after a handler ran: its stdout and stderr (Powertools log lines and EMF
// blobs), every object in the evidence bucket, the alerts that reached the topic's queue, the items of a table, and a
// thrown error as the Lambda runtime would log it.

import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { captureOutput } from '../lambda/handlers/handler-harness.ts';
import { motoClients, receiveSnsMessages, scanTable } from '../support/aws-fixtures.ts';

export interface ProcessOutput {
  /** Every line but the EMF blobs: Powertools' JSON log lines, and anything else printed. */
  readonly logLines: () => string;
  /** The EMF metric blobs (`_aws`). */
  readonly metricBlobs: () => string;
}

/** Captures stdout and stderr for the rest of the test's hooks (vi.restoreAllMocks ends it); nothing is printed. */
export function captureProcessOutput(): ProcessOutput {
  const output = captureOutput();
  const isMetricBlob = (line: string): boolean => line.includes('"_aws"');
  const lines = (): string[] => output.text().split('\n');
  return {
    logLines: () =>
      lines()
        .filter((line) => !isMetricBlob(line))
        .join('\n'),
    metricBlobs: () => lines().filter(isMetricBlob).join('\n'),
  };
}

/** Every object in `bucket`, each under its key. */
export async function readBucket(bucket: string): Promise<string> {
  const { s3 } = motoClients();
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const objects = await Promise.all(
    (listed.Contents ?? []).map(async ({ Key: key }) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return `${key}\n${await object.Body!.transformToString()}`;
    }),
  );
  return objects.join('\n');
}

/** The alerts the topic delivered to its queue: subject, message and attributes of each, as JSON. */
export async function readAlerts(queueUrl: string, expected: number): Promise<string> {
  return JSON.stringify(await receiveSnsMessages(queueUrl, { expected, maxWaitMs: 5_000 }));
}

export async function readTable(name: string): Promise<string> {
  return JSON.stringify(await scanTable(name));
}

/**
 * A thrown error as the Node.js Lambda runtime logs it ("Invoke Error", then JSON with errorType, errorMessage, code,
 * every own enumerable property and the stack, nested errors alike), followed by its cause chain's names, messages
 * and stacks, which a logger given the error would print.
 */
export function thrownErrorAsLogged(error: unknown): string {
  const runtimeForm = JSON.stringify(error, (_key, value: unknown) =>
    value instanceof Error
      ? {
          errorType: value.name,
          errorMessage: value.message,
          code: (value as { code?: unknown }).code,
          ...value,
          stack: value.stack?.split('\n'),
        }
      : value,
  );
  const causes: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; depth < 5 && cause !== undefined; depth += 1) {
    causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}\n${cause.stack ?? ''}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return [`Invoke Error \t${runtimeForm}`, ...causes].join('\n');
}
