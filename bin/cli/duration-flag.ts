// Durations as the CLI's flags take them: a whole number and a unit (`90s`, `30m`, `2h`, `7d`, `2w`). Each flag says
// which units and how many digits it takes, and keeps its own bounds and words.

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

export type DurationUnit = keyof typeof UNIT_MS;

/** `text` in milliseconds, or undefined when it is not at most `maxDigits` digits followed by one of `units`. */
export function durationMs(text: string, units: readonly DurationUnit[], maxDigits = 6): number | undefined {
  const match = /^(\d+)([a-z])$/.exec(text);
  const unit = match?.[2] as DurationUnit | undefined;
  if (match === null || match[1]!.length > maxDigits || unit === undefined || !units.includes(unit)) return undefined;
  return Number(match[1]) * UNIT_MS[unit];
}
