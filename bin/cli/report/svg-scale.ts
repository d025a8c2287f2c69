// Scales for the report's SVG charts: time on x with ticks at round steps (minutes to weeks, labelled in UTC), and a
// linear y from zero with round ticks. Pure arithmetic, so the charts need no library.

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface Scale {
  readonly x: (value: number) => number;
  readonly ticks: readonly Tick[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  28 * DAY,
];

/** Maps [startMs, endMs] onto [from, to] pixels, with at most `maxTicks` ticks at a round UTC step. */
export function timeScale(startMs: number, endMs: number, from: number, to: number, maxTicks = 8): Scale {
  const span = Math.max(endMs - startMs, MINUTE);
  const x = (ms: number): number => from + ((ms - startMs) / span) * (to - from);
  const step = TIME_STEPS.find((candidate) => span / candidate <= maxTicks) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: Tick[] = [];
  for (let at = Math.ceil(startMs / step) * step; at <= startMs + span && ticks.length <= maxTicks; at += step) {
    const iso = new Date(at).toISOString();
    const label = step >= DAY || at % DAY === 0 ? iso.slice(5, 10) : iso.slice(11, 16);
    ticks.push({ at, label });
  }
  return { x, ticks };
}

/** Maps [0, a round maximum above `max`] onto [bottom, top] pixels, with about five round ticks. */
export function linearScale(max: number, bottom: number, top: number): Scale & { readonly max: number } {
  const step = roundStep(Math.max(max, 1) / 5);
  const niceMax = Math.max(step, Math.ceil(Math.max(max, 1) / step) * step);
  const x = (value: number): number => bottom - (Math.min(Math.max(value, 0), niceMax) / niceMax) * (bottom - top);
  const ticks: Tick[] = [];
  for (let value = 0; value <= niceMax + step / 2; value += step) ticks.push({ at: value, label: String(value) });
  return { x, ticks, max: niceMax };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function roundStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= raw) ?? 10 * power;
}

/** A coordinate as SVG writes it: two decimals at most. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}
