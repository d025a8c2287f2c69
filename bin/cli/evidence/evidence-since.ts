// `--since` for the commands that read evidence: a span back from now (30m, 12h, 7d, 2w) or a UTC day or time.

import { ConfigError } from '../../../lambda/core/errors.ts';
import { durationMs } from '../duration-flag.ts';

/** Ten years: far enough back for any bucket's lifecycle. */
const MAX_SPAN_MS = 3650 * 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const RULE = 'must be a span back from now (30m, 12h, 7d, 2w) or a UTC day or time (2026-11-20, 2026-11-20T08:00:00Z)';

/** The time `--since` names, relative to `now`. Throws ConfigError naming `flag` and the value. */
export function parseSince(value: string, now: Date, flag = '--since'): Date {
  const trimmed = value.trim();
  const ms = durationMs(trimmed, ['m', 'h', 'd', 'w']);
  if (ms !== undefined) {
    if (ms < 1 || ms > MAX_SPAN_MS) throw new ConfigError(flag, value, 'must be between 1m and 3650d');
    return new Date(now.getTime() - ms);
  }
  if (ISO_DAY.test(trimmed)) return calendarDay(trimmed, value, flag);
  if (ISO_TIME.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) {
    calendarDay(trimmed.slice(0, 10), value, flag);
    return new Date(trimmed);
  }
  throw new ConfigError(flag, value, RULE);
}

/** Midnight UTC of a `YYYY-MM-DD` day; a day not on the calendar (2026-02-30) is refused. */
export function calendarDay(day: string, value: string, flag: string): Date {
  const time = new Date(`${day}T00:00:00.000Z`);
  if (!ISO_DAY.test(day) || Number.isNaN(time.getTime()) || time.toISOString().slice(0, 10) !== day) {
    throw new ConfigError(flag, value, 'must be a calendar day as YYYY-MM-DD (UTC, as in the evidence keys)');
  }
  return time;
}
