// What a leak scenario is: a run of Rollgate's public entry points with planted secrets, and the places it captured
// (each searched by a test of its own). The place names are fixed up front, so the tests exist before the run.

import type { PlantedSecret } from './planted-secrets.ts';

export interface CapturedPlace {
  readonly text: string;
  /** Search only for these: a place where the other secrets belong (a request to the service carries its token). */
  readonly onlyFor?: readonly PlantedSecret[];
}

export interface LeakScenario {
  readonly name: string;
  readonly places: readonly string[];
  /** Runs the scenario and returns what each place holds; throws when the run did not go as planned. */
  readonly capture: () => Promise<Readonly<Record<string, CapturedPlace>>>;
}

/** Throws, naming the scenario's step, when `condition` is false: a run that went elsewhere proves nothing. */
export function expectRun(condition: boolean, step: string, seen: unknown): asserts condition {
  if (!condition) throw new Error(`${step}; got ${typeof seen === 'string' ? seen : JSON.stringify(seen)}`);
}
