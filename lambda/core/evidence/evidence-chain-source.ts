// The port `rollgate evidence verify` reads a chain's records through: their keys under the chain's prefix and each
// record's bytes exactly as stored (a hash of anything else proves nothing). Adapters read the stack's bucket or a
// local evidence directory.

export interface EvidenceChainSource {
  /** Where the records are read from, for messages: `s3://bucket` or a directory. */
  describe(): string;
  /** How a key is named to an operator: `s3://bucket/key` or a file path. */
  uriOf(key: string): string;
  /**
   * Every key under `prefix` (`checks/web/`), in any order; with `sinceDay` (`YYYY/MM/DD`), day folders before it may
   * be left out. Throws EvidenceReadError when the listing fails.
   */
  listKeys(prefix: string, sinceDay?: string): Promise<string[]>;
  /** The bytes stored at `key`, or undefined when nothing is there. Throws EvidenceReadError when it cannot tell. */
  readBytes(key: string): Promise<Uint8Array | undefined>;
  /**
   * Keys under `prefix` that have more than one stored version (a versioned bucket keeps the original of an edited
   * object), with how many. Absent where versions are not kept.
   */
  versionCounts?(prefix: string): Promise<ReadonlyMap<string, number>>;
}
