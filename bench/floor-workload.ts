// The baselines the gate is measured against: the floor (every URL fetched at once with Promise.all, body read, no
// gate logic) and the seed CI script's way (one probe after the other: fetch, read, parse JSON).

import { BenchWorkloadError } from './workload-error.ts';

/** Fetches every URL at once and reads each body; one signal bounds the whole batch. Returns the bytes read. */
export async function fetchAllFloor(urls: readonly string[], timeoutMs: number): Promise<number> {
  const signal = AbortSignal.timeout(timeoutMs);
  const lengths = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { signal });
      const body = await response.text();
      if (!response.ok) throw new BenchWorkloadError(`floor: ${url} answered ${response.status}`);
      return body.length;
    }),
  );
  return lengths.reduce((sum, length) => sum + length, 0);
}

/** One probe after the other, each with its own timeout, as the seed's rollout_health_gate script does. */
export async function fetchSequential(urls: readonly string[], timeoutMs: number): Promise<number> {
  let healthy = 0;
  for (const url of urls) {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const parsed = JSON.parse(await response.text()) as { status?: unknown };
    if (response.ok && parsed.status === 'ok') healthy += 1;
  }
  if (healthy !== urls.length)
    throw new BenchWorkloadError(`sequential: ${urls.length - healthy} of ${urls.length} unhealthy`);
  return healthy;
}
