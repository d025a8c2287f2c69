// How `rollgate monitor --every` stops: the first SIGINT or SIGTERM marks it stopped (the run in progress finishes, the
// wait for the next round ends at once) and gives the signals back to Node, so a second one ends the process as usual.

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StopSignal {
  readonly stopped: boolean;
  /** Waits `ms`, or less when a stop comes meanwhile. */
  wait(ms: number): Promise<void>;
  /** Lets go of the signals (once the command is done). */
  dispose(): void;
}

export function createStopSignal(target: NodeJS.Process = process): StopSignal {
  let stopped = false;
  const wakers = new Set<() => void>();
  const onSignal = (): void => {
    stopped = true;
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
