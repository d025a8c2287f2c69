// Several newest-first key streams (one per service or monitor folder) merged into one newest-first stream. Evidence
// file names start with the run's UTC stamp, so ordering by file name is ordering by time across folders; the full
// key breaks a tie, so the records of one run stay next to each other.

export type KeyStream = AsyncGenerator<string>;

/** Negative when `a` is listed before `b`: the newer file name first, then the greater key. */
export function compareNewestFirst(a: string, b: string): number {
  const byName = descending(fileNameOf(a), fileNameOf(b));
  return byName !== 0 ? byName : descending(a, b);
}

/** Every stream's keys in one newest-first order, starting strictly after `after` in that order; pulls lazily. */
export async function* mergeNewestFirst(streams: readonly KeyStream[], after?: string): AsyncGenerator<string> {
  const heads = await Promise.all(streams.map((stream) => nextAfter(stream, after)));
  try {
    for (;;) {
      let newest = -1;
      for (let index = 0; index < heads.length; index += 1) {
        const head = heads[index];
        if (head === undefined) continue;
        if (newest === -1 || compareNewestFirst(head, heads[newest]!) < 0) newest = index;
      }
      if (newest === -1) return;
      yield heads[newest]!;
      heads[newest] = await nextAfter(streams[newest]!, after);
    }
  } finally {
    await Promise.all(streams.map((stream) => stream.return(undefined)));
  }
}

async function nextAfter(stream: KeyStream, after: string | undefined): Promise<string | undefined> {
  for (;;) {
    const step = await stream.next();
    if (step.done === true) return undefined;
    if (after === undefined || compareNewestFirst(step.value, after) > 0) return step.value;
  }
}

function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** Code-unit order, as S3 lists keys; localeCompare would depend on the operator's locale. */
function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
