// How a long-running command stops: the first SIGINT or SIGTERM marks it stopped (`rollgate monitor --every` finishes
// the run in progress and ends the wait for the next round at once; `rollgate gate` ends its probes and records the run
// as interrupted) and gives the signals back to Node, so a second one ends the process as usual.

import type { InterruptSignal } from '../../lambda/core/verdict/verdict.ts';

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
  let stopped = false;
  const wakers = new Set<() => void>();
  const controller = new AbortController();
  const onSignal = (signal: InterruptSignal): void => {
    stopped = true;
    controller.abort(signal);
    release();
    for (const wake of wakers) wake();
  };
  const release = (): void => {
    for (const signal of STOP_SIGNALS) target.off(signal, onSignal);
  };
  for (const signal of STOP_SIGNALS) target.on(signal, onSignal);
  return {
    get stopped() {
      return stopped;
    },
    abort: controller.signal,
    wait: (ms) =>
      stopped
        ? Promise.resolve()
        : new Promise((resolveWait) => {
            const wake = (): void => {
              clearTimeout(timer);
              wakers.delete(wake);
              resolveWait();
            };
            const timer = setTimeout(wake, ms);
            wakers.add(wake);
          }),
    dispose: release,
  };
}
