// Where a rollback is sent. Its own module, free of schemas, so the rollback executor can use it without pulling the
// deploy event's schema into the scheduled check's bundle.

/** SendCommand takes at most 50 instance ids. */
export const MAX_ROLLBACK_INSTANCES = 50;

/** Where the rollback goes: the event's instances, or the running instances carrying all of the event's tags. */
export type RollbackTarget =
  | { readonly instanceIds: readonly string[] }
  | { readonly tags: Readonly<Record<string, string>> };
