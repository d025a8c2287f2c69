// A wait that an AbortSignal ends early: between a probe's attempts, a window's rounds and a follower's polls, so that
// an interrupted run stops waiting at once. Its timer is cleared either way.

/** Waits `ms`, or less when `interrupt` aborts meanwhile (at once when it already has). */
export function sleep(ms: number, interrupt?: AbortSignal): Promise<void> {
  if (interrupt?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      interrupt?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    interrupt?.addEventListener('abort', wake, { once: true });
  });
}
