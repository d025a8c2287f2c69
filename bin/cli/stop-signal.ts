// How a long-running command stops: the first SIGINT or SIGTERM marks it stopped (`rollgate monitor --every` finishes
// the run in progress and ends the wait for the next round at once; `rollgate gate` ends its probes and records the run
// as interrupted) and gives the signals back to Node, so a second one ends the process as usual.

import type { InterruptSignal } from '../../lambda/core/verdict/verdict.ts';
import { sleep } from '../../lambda/core/sleep.ts';

const STOP_SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/** The signal that aborted `abort` (a StopSignal's): its reason. */
export function stopSignalOf(abort: AbortSignal): InterruptSignal {
  return abort.reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
}

export interface StopSignal {
  readonly stopped: boolean;
  /** Aborted by the first signal, with the signal's name as its reason. */
  readonly abort: AbortSignal;
  /** Waits `ms`, or less when a stop comes meanwhile. */
  wait(ms: number): Promise<void>;
  /** Lets go of the signals (once the command is done). */
  dispose(): void;
}

export function createStopSignal(target: NodeJS.Process = process): StopSignal {
  const controller = new AbortController();
  const onSignal = (signal: InterruptSignal): void => {
    controller.abort(signal);
    release();
  };
  const release = (): void => {
    for (const signal of STOP_SIGNALS) target.off(signal, onSignal);
  };
  for (const signal of STOP_SIGNALS) target.on(signal, onSignal);
  return {
    get stopped() {
      return controller.signal.aborted;
    },
    abort: controller.signal,
    wait: (ms) => sleep(ms, controller.signal),
    dispose: release,
  };
}
