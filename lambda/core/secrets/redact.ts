// Redaction: nothing that looks like a credential reaches evidence, logs or alerts. URLs lose their userinfo and
// secret-looking query values; free text (command output, body excerpts, error messages) loses bearer tokens,
// key=value secrets and any literal secret value the run resolved.

import { basicCredentialsOf } from './basic-credentials.ts';

export const REDACTED = '***';

const SECRET_NAME = /(token|key|secret|passw(or)?d|pwd|signature|sig|auth|credential|session|api[-_]?key|code)/i;
// Any scheme, not only http(s): a rejected `ftp://user:pw@…` or `redis://:pw@…` is quoted by the error naming it.
// A comma followed by another scheme ends the URL, so each URL of a comma-separated list (ROLLGATE_FAILED_URLS, a
// RUNTIME_HEALTH_URLS echoed by a script) is redacted on its own; a comma inside a URL (`?ids=1,2`) stays in it.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s"'<>,]|,(?![a-z][a-z0-9+.-]*:\/\/))+/gi;
/** The userinfo of a URL that `new URL` refuses: its password is a secret all the same. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
/** A `name=value` pair of a query or fragment, for a URL that `new URL` refuses. */
const URL_PARAMETER = /([?&#;])([^=&#?;]+)=([^&#]*)/g;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// A quoted value is redacted up to its closing quote (or the line's end, when an excerpt cut it off), so a password
// with spaces does not leak its later words; an unquoted value ends at whitespace or a separator. An error about a
// field named like a secret reads `headers.Authorization: must not contain …`: the words an error's problem starts
// with, followed by a space, are prose, not a value.
const KEY_VALUE =
  /\b([A-Za-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|signature|api[-_]?key|access[-_]?key|authorization)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*)("(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|(?!(?:must|is|needs|give|cannot|secret) )[^\s"'&,;}]+)/gi;
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** Every pattern above needs one of these; text with none of them is returned as is. */
const MIGHT_HOLD_SECRET =
  /:\/\/|bearer|basic|token|secret|passw|pwd|signature|api[-_]?key|access[-_]?key|authorization|AKIA|ASIA/i;

/** Redacts userinfo and secret-looking query values of a URL. Unparseable input is redacted as text. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return redactSecretsInText(raw);
  }
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  const names = [...new Set([...url.searchParams.keys()])];
  for (const name of names) {
    if (SECRET_NAME.test(name)) url.searchParams.set(name, REDACTED);
  }
  // OAuth-style redirects carry tokens in the fragment (`#access_token=…`), which a redirect hop would record.
  if (url.hash.includes('=')) {
    const fragment = new URLSearchParams(url.hash.slice(1));
    const secretNames = [...new Set([...fragment.keys()])].filter((name) => SECRET_NAME.test(name));
    for (const name of secretNames) fragment.set(name, REDACTED);
    if (secretNames.length > 0) url.hash = fragment.toString();
  }
  // URLSearchParams re-encodes '*' as '%2A'; keep the marker readable.
  return url.toString().replaceAll('%2A%2A%2A', REDACTED);
}

/** Redacts bearer tokens, secret key=value pairs, AWS key ids and URLs with credentials in free text. */
export function redactSecretsInText(text: string): string {
  // Most recorded text (`[STATUS] 200 in [200-299]`) holds nothing secret-looking: one test instead of four passes.
  if (!MIGHT_HOLD_SECRET.test(text)) return text;
  return text
    .replace(URL_IN_TEXT, (match) => (/[@?#]/.test(match) ? redactUrlQuietly(match) : match))
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(KEY_VALUE, (_m, name: string, separator: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${name}${separator}${quote}${REDACTED}${quote}`;
    })
    .replace(AWS_ACCESS_KEY_ID, REDACTED);
}

function redactUrlQuietly(candidate: string): string {
  try {
    return redactUrl(new URL(candidate).toString());
  } catch {
    // Unparseable (`http://u:pw@[bad`): no URL API to lean on, so cut the userinfo and secret-named query and
    // fragment values (`?code=…`, `#access_token=…`) by pattern.
    return candidate
      .replace(USERINFO, `$1${REDACTED}@`)
      .replace(URL_PARAMETER, (pair, separator: string, name: string) =>
        SECRET_NAME.test(name) ? `${separator}${name}=${REDACTED}` : pair,
      );
  }
}

/**
 * The literal secrets a configured URL carries: its password (or a user name standing alone, as a token does in
 * `https://TOKEN@host`), the Basic credentials the probe makes of them, and its secret-looking query and fragment
 * values, each as written and decoded. A service
 * that echoes one back under a harmless key (`{"echo": "…"}`) matches no pattern, so the run scrubs them literally.
 */
export function secretsOfUrl(raw: string): string[] {
  // Most target URLs carry no credential: skip the parse for a gate of thousands of them.
  if (!/[@?#]/.test(raw)) return [];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const found: string[] = [];
  const add = (written: string): void => {
    if (written === '') return;
    found.push(written);
    try {
      found.push(decodeURIComponent(written));
    } catch {
      // A malformed escape is sent as written; the written form is already listed.
    }
  };
  if (url.password !== '') add(url.password);
  else if (url.username !== '') add(url.username);
  // The probe sends the userinfo as Basic credentials; a service echoing them back without the scheme matches no
  // pattern, so the base64 is a literal too.
  const basic = basicCredentialsOf(url);
  if (basic !== undefined) found.push(basic);
  const params = (text: string): void => {
    for (const pair of text.split('&')) {
      const equals = pair.indexOf('=');
      if (equals < 0) continue;
      const name = pair.slice(0, equals);
      if (!SECRET_NAME.test(safeDecode(name))) continue;
      const value = pair.slice(equals + 1);
      add(value);
      // A form-encoded value is decoded with `+` as a space by URLSearchParams-based servers.
      add(value.replaceAll('+', ' '));
    }
  };
  params(url.search.slice(1));
  params(url.hash.slice(1));
  return [...new Set(found)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * A redactor that also removes every literal secret value the run resolved (header values from the environment or
 * SSM), so that a service echoing a token back in its body cannot leak it into evidence.
 */
export interface Redactor {
  url(raw: string): string;
  text(raw: string): string;
}

export function createRedactor(secretValues: Iterable<string> = []): Redactor {
  // Short values would redact ordinary words; a real secret is longer than this.
  const literals = [...new Set([...secretValues].filter((value) => value.length >= 6).flatMap(writtenForms))].sort(
    (a, b) => b.length - a.length,
  );
  // One alternation, longest first, so a run with a token per target (thousands of literals) still scans each text
  // once rather than once per literal.
  const pattern = literals.length === 0 ? undefined : new RegExp(literals.map(escapeRegExp).join('|'), 'g');
  const scrub = (text: string): string => (pattern === undefined ? text : text.replace(pattern, REDACTED));
  // Literals first: the pattern pass re-serialises URLs (percent-encoding what it touches), after which an echoed
  // secret might no longer match itself.
  return {
    url: (raw) => redactUrl(scrub(raw)),
    text: (raw) => redactSecretsInText(scrub(raw)),
  };
}

/**
 * A secret as written, and percent-encoded as a URL's query carries it (both encoders' forms): a service that puts a
 * token or Basic credentials into a redirect's Location hands them back encoded.
 */
function writtenForms(value: string): string[] {
  return [value, encodeURIComponent(value), new URLSearchParams([['', value]]).toString().slice(1)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Keeps the last `maxBytes` bytes of UTF-8 text (the end of a command's output is where the error is). */
export function tailOf(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return text;
  const buffer = Buffer.from(text, 'utf8');
  // Drop a partial multi-byte character at the cut.
  let start = buffer.length - maxBytes;
  while (start < buffer.length && (buffer[start]! & 0xc0) === 0x80) start += 1;
  return buffer.subarray(start).toString('utf8');
}
