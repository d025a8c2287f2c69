import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  redactSecretsInText,
  redactUrl,
  REDACTED,
  secretsOfUrl,
  tailOf,
} from '../../../../lambda/core/secrets/redact.ts';

describe('redactUrl', () => {
  it.each([
    {
      name: 'user and password',
      raw: 'https://deploy:hunter22@api.example/health',
      out: 'https://***:***@api.example/health',
    },
    { name: 'a user alone', raw: 'https://ghp_abcdef123456@api.example/health', out: 'https://***@api.example/health' },
    {
      name: 'a token query value',
      raw: 'https://api.example/health?token=abc123',
      out: 'https://api.example/health?token=***',
    },
    {
      name: 'a key query value',
      raw: 'https://api.example/health?key=abc123',
      out: 'https://api.example/health?key=***',
    },
    {
      name: 'a signature query value',
      raw: 'https://api.example/h?signature=abc',
      out: 'https://api.example/h?signature=***',
    },
    { name: 'a sig query value', raw: 'https://api.example/h?sig=abc', out: 'https://api.example/h?sig=***' },
    {
      name: 'an api_key query value',
      raw: 'https://api.example/h?api_key=abc',
      out: 'https://api.example/h?api_key=***',
    },
    {
      name: 'a password query value',
      raw: 'https://api.example/h?password=abc',
      out: 'https://api.example/h?password=***',
    },
    {
      name: 'presigned S3 parameters',
      raw: 'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=ff00&X-Amz-Expires=60',
      out: 'https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Expires=60',
    },
    {
      name: 'secret params among ordinary ones, keeping the others and their order',
      raw: 'https://api.example/v1/health?page=2&token=abc&region=eu-west-1&deep=true',
      out: 'https://api.example/v1/health?page=2&token=***&region=eu-west-1&deep=true',
    },
    {
      name: 'a repeated secret param',
      raw: 'https://api.example/h?token=a&token=b',
      out: 'https://api.example/h?token=***',
    },
    {
      name: 'a token in a fragment',
      raw: 'https://app.example/cb#access_token=abc123&state=xyz',
      out: 'https://app.example/cb#access_token=***&state=xyz',
    },
  ])('redacts $name', ({ raw, out }) => {
    expect(redactUrl(raw)).toBe(out);
  });

  it.each([
    { raw: 'https://api.example/health' },
    { raw: 'http://127.0.0.1:8080/v1/token/info?page=2&sort=asc' },
    { raw: 'https://api.example/health#section-2' },
  ])('leaves $raw unchanged', ({ raw }) => {
    expect(redactUrl(raw)).toBe(raw);
  });

  it('redacts an unparseable URL as text', () => {
    expect(redactUrl('not a url password=hunter2')).toBe('not a url password=***');
  });
});

describe('redactSecretsInText', () => {
  it.each([
    {
      name: 'a bearer token',
      text: 'sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x',
      secrets: ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxIn0'],
    },
    { name: 'a lowercase bearer token', text: 'authorization: bearer abc.def-123', secrets: ['abc.def-123'] },
    {
      name: 'password=value',
      text: 'login failed password=hunter22&user=bob',
      secrets: ['hunter22'],
      keeps: ['user=bob'],
    },
    {
      name: 'a JSON api_key',
      text: '{"api_key": "k-98765xyz", "region": "eu"}',
      secrets: ['k-98765xyz'],
      keeps: ['"region": "eu"'],
    },
    {
      name: 'a JSON password with spaces',
      text: '{"password": "correct horse battery", "user": "bob"}',
      secrets: ['correct', 'horse', 'battery'],
      keeps: ['"user": "bob"'],
    },
    { name: 'a JSON token with an escaped quote', text: '{"token": "ab\\"cd ef"}', secrets: ['ab', 'cd ef'] },
    {
      name: 'a quoted password cut off by an excerpt',
      text: '{"user": "bob", "password": "correct horse',
      secrets: ['correct', 'horse'],
      keeps: ['"user": "bob"'],
    },
    { name: 'a single-quoted secret', text: "secret='two words' rest", secrets: ['two', 'words'], keeps: [' rest'] },
    {
      name: 'an env-style secret',
      text: 'DB_PASSWORD=s3cr3t-value\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG',
      secrets: ['s3cr3t-value', 'wJalrXUtnFEMI'],
    },
    { name: 'a YAML-style token', text: 'client_token: tok_live_12345', secrets: ['tok_live_12345'] },
    {
      name: 'an AWS access key id',
      text: 'using AKIAIOSFODNN7EXAMPLE for s3',
      secrets: ['AKIAIOSFODNN7EXAMPLE'],
      keeps: ['for s3'],
    },
    { name: 'an AWS session key id', text: 'key ASIAY34FZKBOKMUTVV7A expired', secrets: ['ASIAY34FZKBOKMUTVV7A'] },
    {
      name: 'a URL with credentials inside text',
      text: 'GET https://deploy:hunter22@api.example/health failed: ECONNREFUSED',
      secrets: ['deploy', 'hunter22'],
      keeps: ['api.example/health failed: ECONNREFUSED'],
    },
    {
      name: 'an ftp URL with credentials inside an error message',
      text: 'RUNTIME_HEALTH_URLS: must be an http: or https: URL (got "ftp://ops:hunter22@files.example/")',
      secrets: ['ops', 'hunter22'],
      keeps: ['files.example/'],
    },
    {
      name: 'a redis URL with a password inside text',
      text: 'cannot use redis://:hunter22@cache.example:6379/0 as a target',
      secrets: ['hunter22'],
      keeps: ['cache.example:6379/0 as a target'],
    },
    {
      name: 'a URL with a token query inside text',
      text: 'redirected to https://api.example/cb?code=abc987&page=1 then gave up',
      secrets: ['abc987'],
      keeps: ['page=1 then gave up'],
    },
    {
      name: 'each URL of a comma-separated list (ROLLGATE_FAILED_URLS echoed by a script)',
      text: 'rolling back https://u:pw-first1@a.example/h,https://v:pw-second2@b.example/h?token=tk-third3',
      secrets: ['pw-first1', 'pw-second2', 'tk-third3'],
      keeps: ['a.example/h,https://', 'b.example/h?token='],
    },
    {
      name: 'each URL of a comma-and-space separated list',
      text: 'failed: http://a.example/?code=c0de111, http://b.example/?sig=s1g222',
      secrets: ['c0de111', 's1g222'],
    },
    {
      name: 'each URL of a newline-separated list',
      text: 'https://u:pw-first1@a.example/h\nhttps://v:pw-second2@b.example/h',
      secrets: ['pw-first1', 'pw-second2'],
    },
    {
      name: 'secret-named query and fragment values of a URL that does not parse',
      text: 'cannot use http://[bad/health?page=2&code=c0de-4242&sig=s1g-4242#session=sess-4242',
      secrets: ['c0de-4242', 's1g-4242', 'sess-4242'],
      keeps: ['page=2'],
    },
    {
      name: 'the userinfo of a URL that does not parse',
      text: 'cannot use http://ops:hunter22@[not-a-host/health',
      secrets: ['hunter22'],
      keeps: ['[not-a-host/health'],
    },
  ])('redacts $name', ({ text, secrets, keeps }) => {
    const out = redactSecretsInText(text);
    expect(out).toContain(REDACTED);
    for (const secret of secrets) expect(out).not.toContain(secret);
    for (const kept of keeps ?? []) expect(out).toContain(kept);
  });

  it.each([
    { text: 'password=hunter22&user=bob', out: 'password=***&user=bob' },
    { text: '{"api_key": "k-98765xyz", "region": "eu"}', out: '{"api_key": "***", "region": "eu"}' },
    { text: "{'password': 'a b c'}", out: "{'password': '***'}" },
    { text: 'curl -H "Authorization: Bearer abc.def"', out: 'curl -H "Authorization: *** ***"' },
  ])('rewrites "$text" as "$out"', ({ text, out }) => {
    expect(redactSecretsInText(text)).toBe(out);
  });

  it('keeps a comma inside a URL as part of it', () => {
    expect(redactSecretsInText('GET https://a.example/a,b/?code=xyz987 failed')).toBe(
      'GET https://a.example/a,b/?code=*** failed',
    );
  });

  it.each([
    'gate.json: targets[0].headers.Authorization: must not contain line breaks or control characters (value withheld)',
    'targets[0].headers.authorization: secret could not be resolved: HEALTH_TOKEN is not set',
    'targets[0].headers.X-Api-Token: is not any of the accepted forms (value withheld)',
  ])('leaves the problem of an error about a secret-named field readable: %s', (text) => {
    expect(redactSecretsInText(text)).toBe(text);
  });

  it.each([
    { text: 'password: is-this-a-secret', out: 'password: ***' },
    { text: 'client_token: mustang-42', out: 'client_token: ***' },
  ])('still redacts a value that merely starts like prose: $text', ({ text, out }) => {
    expect(redactSecretsInText(text)).toBe(out);
  });

  it.each([
    { text: 'connect ECONNREFUSED 127.0.0.1:8080' },
    { text: 'GET https://api.example/health returned 503' },
    { text: '[STATUS] 503 in [200-299]; [BODY].status "degraded" in [ok, healthy, pass, up]' },
    { text: '' },
  ])('leaves "$text" unchanged', ({ text }) => {
    expect(redactSecretsInText(text)).toBe(text);
  });
});

describe('secretsOfUrl', () => {
  it.each([
    { name: 'a plain URL', raw: 'https://api.example/health', out: [] },
    { name: 'a non-secret query', raw: 'https://api.example/health?page=2&region=eu', out: [] },
    {
      name: 'a password, and the Basic credentials the probe sends',
      raw: 'https://ops:hunter22@api.example/',
      out: ['hunter22', 'b3BzOmh1bnRlcjIy'],
    },
    {
      name: 'an encoded password, as written and decoded',
      raw: 'https://ops:p%40ss%2Fw0rd@a.example/',
      out: ['p%40ss%2Fw0rd', 'p@ss/w0rd', 'b3BzOnBAc3MvdzByZA=='],
    },
    {
      name: 'a user name standing alone (a token)',
      raw: 'https://ghp_abcdef123456@a.example/',
      out: ['ghp_abcdef123456', 'Z2hwX2FiY2RlZjEyMzQ1Njo='],
    },
    { name: 'a token query value', raw: 'https://a.example/h?page=2&token=tok-123456', out: ['tok-123456'] },
    {
      name: 'a form-encoded query value',
      raw: 'https://a.example/h?api_key=a+b%2Bc',
      out: ['a+b%2Bc', 'a+b+c', 'a b%2Bc', 'a b+c'],
    },
    { name: 'a fragment token', raw: 'https://a.example/cb#access_token=frag-98765&state=x', out: ['frag-98765'] },
    { name: 'something that is not a URL', raw: 'not a url?token=abc', out: [] },
  ])('lists the literal secrets of $name', ({ raw, out }) => {
    expect(secretsOfUrl(raw)).toEqual(out);
  });
});

describe('createRedactor', () => {
  it.each([
    { name: 'in text', use: 'text', raw: 'echo: tok-abcdef-123 was accepted', out: 'echo: *** was accepted' },
    { name: 'twice in text', use: 'text', raw: 'tok-abcdef-123/tok-abcdef-123', out: '***/***' },
    {
      name: 'in a URL path',
      use: 'url',
      raw: 'https://api.example/hooks/tok-abcdef-123/health',
      out: 'https://api.example/hooks/***/health',
    },
    { name: 'a short value left alone', use: 'text', raw: 'ok 12345 done', out: 'ok 12345 done' },
    { name: 'the longer of two overlapping secrets first', use: 'text', raw: 'tok-abcdef-123-extra', out: '***' },
  ])('scrubs literal secret values $name', ({ use, raw, out }) => {
    const redactor = createRedactor(['tok-abcdef-123', 'tok-abcdef-123-extra', '12345']);
    expect(use === 'url' ? redactor.url(raw) : redactor.text(raw)).toBe(out);
  });

  it("scrubs a configured URL's query token that a service echoes under a harmless key", () => {
    const redactor = createRedactor(secretsOfUrl('https://api.example/health?token=tok-5e6f7a8b'));
    expect(redactor.text('{"echo":"tok-5e6f7a8b","status":"down"}')).toBe('{"echo":"***","status":"down"}');
  });

  it('scrubs the Basic credentials of a URL password that a service echoes without the scheme', () => {
    const url = 'https://ops:hunter22@api.example/health';
    const echoed = `{"seen":"${Buffer.from('ops:hunter22').toString('base64')}","status":"down"}`;
    expect(createRedactor(secretsOfUrl(url)).text(echoed)).toBe('{"seen":"***","status":"down"}');
  });

  it.each([
    ['percent-encoded', 'ops%3Apa%2Fss%2Bw0rd%3D'],
    ['form-encoded', 'ops%3Apa%2Fss%2Bw0rd%3D+x'],
  ])('scrubs a literal secret that a service echoes %s, as in the query of a Location', (_form, echoed) => {
    const redactor = createRedactor(['ops:pa/ss+w0rd=', 'ops:pa/ss+w0rd= x']);
    expect(redactor.url(`https://api.example/landing?seen=${echoed}`)).toBe('https://api.example/landing?seen=***');
  });

  it('scrubs literals that hold regular expression characters', () => {
    const redactor = createRedactor(['a+b(c)*[d]$^|.?\\']);
    expect(redactor.text('seen a+b(c)*[d]$^|.?\\ here')).toBe('seen *** here');
  });

  it('still applies the pattern redaction with no literals', () => {
    const redactor = createRedactor();
    expect(redactor.text('password=hunter22')).toBe('password=***');
    expect(redactor.url('https://u:p@api.example/')).toBe('https://***:***@api.example/');
  });
});

describe('tailOf', () => {
  it.each([
    { name: 'short text', text: 'hello', maxBytes: 10, out: 'hello' },
    { name: 'text of exactly the cap', text: 'hello', maxBytes: 5, out: 'hello' },
    { name: 'ASCII over the cap', text: 'abcdefghij', maxBytes: 4, out: 'ghij' },
    { name: 'a cut inside a 3-byte character', text: 'a€b€c', maxBytes: 3, out: 'c' },
    { name: 'a cut on a character boundary', text: 'a€b€c', maxBytes: 5, out: 'b€c' },
    { name: 'a cut at the start of a 3-byte character', text: 'a€b€c', maxBytes: 4, out: '€c' },
    { name: 'a cut inside a 4-byte character', text: 'x😀y', maxBytes: 3, out: 'y' },
    { name: 'a cap of zero', text: 'abc', maxBytes: 0, out: '' },
  ])('keeps the last bytes of $name', ({ text, maxBytes, out }) => {
    const tail = tailOf(text, maxBytes);
    expect(tail).toBe(out);
    expect(Buffer.byteLength(tail, 'utf8')).toBeLessThanOrEqual(maxBytes);
    expect(tail).not.toContain('\uFFFD');
  });

  it('keeps the end of a long multi-byte output within the cap', () => {
    const text = `${'é'.repeat(10_000)}THE END`;
    const tail = tailOf(text, 4096);
    expect(tail.endsWith('THE END')).toBe(true);
    expect(Buffer.byteLength(tail, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(tail, 'utf8')).toBeGreaterThanOrEqual(4095);
    expect(tail).not.toContain('\uFFFD');
  });
});
