import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lambda/core/errors.ts';
import { parseUrlList } from '../../../../lambda/core/config/url-list.ts';

const FIELD = 'RUNTIME_HEALTH_URLS';

describe('parseUrlList', () => {
  it.each([
    { name: 'nothing set', raw: undefined, urls: [] },
    { name: 'an empty string', raw: '', urls: [] },
    { name: 'only commas and spaces', raw: ' , ,, ', urls: [] },
    { name: 'one URL', raw: 'http://a.example/health', urls: ['http://a.example/health'] },
    {
      name: 'whitespace around entries, including tabs and newlines',
      raw: '  http://a.example/health ,\thttps://b.example/ready\n',
      urls: ['http://a.example/health', 'https://b.example/ready'],
    },
    {
      name: 'empty entries between commas',
      raw: 'http://a.example/,,  ,https://b.example/,',
      urls: ['http://a.example/', 'https://b.example/'],
    },
    {
      name: 'duplicates, keeping first-seen order',
      raw: 'https://b.example/,http://a.example/, https://b.example/ ,http://c.example/,http://a.example/',
      urls: ['https://b.example/', 'http://a.example/', 'http://c.example/'],
    },
    {
      name: 'a URL with port, query and credentials, unchanged',
      raw: 'https://user:pw@a.example:8443/health?deep=1',
      urls: ['https://user:pw@a.example:8443/health?deep=1'],
    },
    {
      name: 'one URL per line, as a multi-line YAML value gives it',
      raw: 'http://a.example/health\nhttps://b.example/ready\n',
      urls: ['http://a.example/health', 'https://b.example/ready'],
    },
    {
      name: 'CRLF lines mixed with commas',
      raw: 'http://a.example/,https://b.example/\r\n  http://c.example/ \r\n\r\n',
      urls: ['http://a.example/', 'https://b.example/', 'http://c.example/'],
    },
  ])('returns $urls for $name', ({ raw, urls }) => {
    expect(parseUrlList(raw, FIELD)).toEqual(urls);
  });

  it.each([
    { name: 'an ftp: URL', bad: 'ftp://files.example/health' },
    { name: 'a file: URL', bad: 'file:///etc/passwd' },
    { name: 'a javascript: URL', bad: 'javascript:alert(1)' },
    { name: 'a mailto: URL', bad: 'mailto:ops@example.com' },
    { name: 'a bare host', bad: 'api.example.com' },
    { name: 'a host with port but no scheme', bad: 'localhost:8080' },
    { name: 'a relative path', bad: '/health' },
    { name: 'a scheme with no host', bad: 'http://' },
  ])('rejects $name with a ConfigError naming the field and the value', ({ bad }) => {
    const raw = `http://ok.example/health, ${bad} ,https://also-ok.example/`;
    let thrown: unknown;
    try {
      parseUrlList(raw, FIELD);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.field).toBe(FIELD);
    expect(error.value).toBe(bad);
    expect(error.message).toContain(FIELD);
    expect(error.message).toContain(JSON.stringify(bad));
  });

  it('names the first bad entry when several are bad', () => {
    expect(() => parseUrlList('ftp://one.example/,file:///two', FIELD)).toThrow(
      expect.objectContaining({ field: FIELD, value: 'ftp://one.example/' }),
    );
  });
});

it('quotes a rejected entry without its credentials', () => {
  expect(() => parseUrlList('http://ok.example/\nftp://ops:pw-1a2b3c4d@files.example/', FIELD)).toThrow(
    'RUNTIME_HEALTH_URLS: must be an http: or https: URL, not ftp: (got "ftp://***:***@files.example/")',
  );
});
