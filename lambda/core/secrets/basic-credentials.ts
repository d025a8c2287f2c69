// The Basic credentials a URL's userinfo becomes: the probe sends them (as curl does), and the redactor scrubs them,
// since a service that echoes its Authorization header back without the scheme shows nothing a pattern could match.

/** The base64 `user:password` of `url`'s userinfo (percent-decoded), or undefined when it has none. */
export function basicCredentialsOf(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  return Buffer.from(`${decodeLenient(url.username)}:${decodeLenient(url.password)}`, 'utf8').toString('base64');
}

/** Percent-decodes userinfo; a stray `%` (which URL accepts) is kept as written rather than thrown. */
function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
