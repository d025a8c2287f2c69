// The state table's layout, shared by the DynamoDB adapter and the stack (lib/state-table.ts), so the two cannot
// drift: one item per key, its kind, revision, JSON document and expiry as attributes, and an index to list a kind.

/** Partition key (S): the state key itself, `monitor#checkout-prod`, `service#checkout#prod`, ... */
export const STATE_KEY_ATTRIBUTE = 'pk';
/**
 * (S) The key's kind, `monitor` | `service` | `lock` | `pause` | `chain` | `approval`: the partition key of the by-kind
 * index.
 */
export const STATE_KIND_ATTRIBUTE = 'kind';
/** (N) 1 when created, one more on every write; every write is conditional on it. */
export const STATE_REVISION_ATTRIBUTE = 'revision';
/** (S) The item as JSON text, validated against its kind's schema on every read. */
export const STATE_ITEM_ATTRIBUTE = 'item';
/** (N) Epoch seconds after which the item reads as absent; the table's TTL attribute, so DynamoDB removes it later. */
export const STATE_EXPIRES_AT_ATTRIBUTE = 'expiresAt';
/** Global secondary index: partition `kind`, sort `pk`, all attributes projected; serves `list(kind)`. */
export const STATE_BY_KIND_INDEX = 'byKind';
