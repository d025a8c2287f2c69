// Once-per-container values that are expensive to make and not always needed: made on the first call, shared by
// every later one (concurrent first calls included), and made again only if making them failed.

/** Wraps `make` so it runs at most once successfully; a rejected attempt is forgotten, so the next call retries. */
export function lazily<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
