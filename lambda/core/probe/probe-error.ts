// Maps what node:http, node:tls, node:dns and node:zlib throw to a small vocabulary of transport failures, so evidence
// says `connection_refused` or `tls` rather than `Error: socket hang up`.

export type ProbeErrorKind =
  /** The address guard refused the target or a redirect hop before any connection: see AddressPolicy. */
  | 'address_refused'
  | 'timeout'
  | 'connection_refused'
  /** The name does not exist or has no address (NXDOMAIN, no data): the service's own problem. */
  | 'dns'
  /** The resolver could not answer (EAI_AGAIN, SERVFAIL, a resolver timeout): maybe this machine's problem. */
  | 'dns_unavailable'
  | 'tls'
  | 'reset'
  | 'unreachable'
  | 'body_too_large'
  | 'too_many_redirects'
  | 'redirect_loop'
  | 'bad_redirect'
  | 'invalid_response'
  /** This machine ran out of sockets or file descriptors: the target was not really checked. */
  | 'local_resources_exhausted'
  | 'network';

/** Raised by the address guard inside a connection's DNS lookup, so the connection never starts. */
export class AddressRefusedError extends Error {
  public constructor(detail: string) {
    super(detail);
    this.name = 'AddressRefusedError';
  }
}

export interface ClassifiedProbeError {
  readonly kind: ProbeErrorKind;
  readonly detail: string;
}

const CODE_KINDS: ReadonlyArray<[RegExp, ProbeErrorKind]> = [
  [/^ECONNREFUSED$/, 'connection_refused'],
  [/^(ENOTFOUND|EAI_NONAME|EAI_NODATA|ENODATA)$/, 'dns'],
  // getaddrinfo's temporary and non-recoverable failures (a resolver timing out, SERVFAIL, REFUSED), and c-ares' own.
  [/^(EAI_AGAIN|EAI_FAIL|ESERVFAIL|ETIMEOUT|EREFUSED)$/, 'dns_unavailable'],
  [/^(ECONNRESET|EPIPE|ECONNABORTED)$/, 'reset'],
  [/^ETIMEDOUT$/, 'timeout'],
  [/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_|HOSTNAME_MISMATCH)/, 'tls'],
  [/^(EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN)$/, 'unreachable'],
  [/^(EMFILE|ENFILE|ENOBUFS|EADDRNOTAVAIL|EAI_MEMORY)$/, 'local_resources_exhausted'],
  // Parser errors (HPE_HEADER_OVERFLOW past maxHeaderSize, HPE_INVALID_STATUS, HPE_INVALID_CHUNK_SIZE...) and bodies
  // that do not decode (Z_DATA_ERROR, Z_BUF_ERROR; brotli's ERR__ERROR_FORMAT_...).
  [/^(HPE_|Z_|ERR__)/, 'invalid_response'],
];

/** Classifies an error from a request, its connection or reading its body. Follows `cause` chains. */
export function classifyProbeError(error: unknown): ClassifiedProbeError {
  if (error instanceof AddressRefusedError) return { kind: 'address_refused', detail: error.message };
  const chain: unknown[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    chain.push(current);
    current = typeof current === 'object' && 'cause' in current ? (current as { cause?: unknown }).cause : undefined;
  }
  for (const link of chain) {
    const name = nameOf(link);
    if (name === 'TimeoutError' || name === 'AbortError')
      return { kind: 'timeout', detail: 'no complete answer in time' };
  }
  for (const link of chain) {
    const code = codeOf(link);
    if (code === undefined) continue;
    for (const [pattern, kind] of CODE_KINDS) {
      if (pattern.test(code)) return { kind, detail: `${code}: ${messageOf(link)}`.slice(0, 200) };
    }
  }
  const deepest = chain[chain.length - 1];
  const message = messageOf(deepest);
  if (/socket hang up/i.test(message)) return { kind: 'reset', detail: message.slice(0, 200) };
  return { kind: 'network', detail: `${nameOf(deepest) ?? 'Error'}: ${message}`.slice(0, 200) };
}

function nameOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string'
    ? value.name
    : undefined;
}

function codeOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string'
    ? value.code
    : undefined;
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
