// The alphabets of the names and versions that leave Rollgate for places where a stray character does harm: S3 key
// parts, EC2 tag filters and the rollback document's parameters, which reach a host shell. One definition, used by the
// event schemas, the adapters that check again before sending, and the stack's document `allowedPattern`s.

/** A service, environment or monitor name. */
export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** A version as services report it: `1.4.2`, `v1.4.2`, `2026.01.07-rc1`, `abc123+build.5`. No spaces, no metacharacters. */
export const VERSION_PATTERN = /^[A-Za-z0-9._+-]{1,128}$/;
/** An EventBridge event id or a Lambda request id (UUIDs), which becomes part of an evidence key. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** An image or artifact digest as a deploy announces it: `sha256:<hex>`. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,128}$/;
/** A commit hash, abbreviated or full. */
export const COMMIT_PATTERN = /^[0-9A-Fa-f]{7,64}$/;
