// Bad `--config` files: not JSON, not UTF-8, too big, too deep, not an object, prototype keys, wrong types, and header
// values and URL passwords that must be withheld or redacted.

import { type BadInputRow, configFile, gateOptions, PROBE_URL, PROTOTYPE, SECRET, WITHHELD } from './bad-input-row.ts';

const url = PROBE_URL;
const target = (extra: Record<string, unknown>) => JSON.stringify({ targets: [{ url, ...extra }] });
const nested = (depth: number) => `{"targets":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const file = (content: string | Buffer) => () => gateOptions(configFile('gate.json', content));

export const CONFIG_FILE_ROWS: readonly BadInputRow[] = [
  {
    name: 'a top-level __proto__ hiding a rollback command',
    run: file('{"targets":[],"__proto__":{"rollback":{"command":"touch pwned"}}}'),
    field: 'gate.json: __proto__',
    shows: PROTOTYPE,
  },
  {
    name: 'a constructor key inside a target',
    run: file('{"targets":[{"url":"http://a.example/","constructor":{}}]}'),
    field: 'gate.json: targets[0].constructor',
    shows: PROTOTYPE,
  },
  {
    name: 'a prototype key under rollback',
    run: file('{"targets":[],"rollback":{"prototype":{"command":"x"}}}'),
    field: 'gate.json: rollback.prototype',
    shows: PROTOTYPE,
  },
  {
    name: 'a JSON array',
    run: file('[1,2]'),
    field: '--config',
    shows: 'must hold a JSON object, not an array (got "gate.json")',
  },
  { name: 'a JSON string', run: file('"targets"'), field: '--config', shows: 'not a string' },
  { name: 'JSON null', run: file('null'), field: '--config', shows: 'not null' },
  { name: 'a JSON number', run: file('42'), field: '--config', shows: 'not a number' },
  { name: 'an empty file', run: file(''), field: '--config', shows: 'is not valid JSON: unexpected end of JSON input' },
  {
    name: 'a trailing comma',
    run: file('{\n  "targets": [\n    {"url": "http://a/",}\n  ]\n}'),
    field: '--config',
    shows: 'expected double-quoted property name at line 3, column 25',
  },
  {
    name: 'a JSON error next to a header secret',
    run: file(`{"targets":[{"url":"${url}","headers":{"Authorization": Bearer ${SECRET}}}]}`),
    field: '--config',
    shows: 'is not valid JSON',
    hides: SECRET,
  },
  {
    name: 'invalid UTF-8',
    run: file(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
    field: '--config',
    shows: 'is not valid UTF-8 text',
  },
  {
    name: 'a file over 16 MiB',
    run: file(Buffer.alloc(16 * 1024 * 1024 + 1, 0x20)),
    field: '--config',
    shows: 'is larger than 16 MiB',
  },
  {
    name: 'JSON nested 100,000 deep',
    run: file(nested(100_000)),
    field: 'gate.json: targets[0]',
    shows: 'must be an object',
  },
  {
    name: 'a number given as a string',
    run: file('{"targets":[],"retries":"3"}'),
    field: 'gate.json: retries',
    shows: 'must be a number (got "3")',
  },
  {
    name: 'a number too large for a double',
    run: file('{"targets":[],"timeoutMs":1e999}'),
    field: 'gate.json: timeoutMs',
    shows: 'Infinity',
  },
  {
    name: 'a fraction where a count goes',
    run: file('{"targets":[],"retries":2.5}'),
    field: 'gate.json: retries',
    shows: '(got 2.5)',
  },
  {
    name: 'a negative retry count',
    run: file('{"targets":[],"retries":-1}'),
    field: 'gate.json: retries',
    shows: 'must be at least 0 (got -1)',
  },
  {
    name: 'an unknown field called toString',
    run: file('{"targets":[],"toString":1}'),
    field: 'gate.json: toString',
    shows: 'is not a known field (got 1)',
  },
  {
    name: 'a header value with a line break',
    run: file(target({ headers: { Authorization: `Bearer ${SECRET}\r\nX: 1` } })),
    field: 'gate.json: targets[0].headers.Authorization',
    shows: `must not contain line breaks or control characters ${WITHHELD}`,
    hides: SECRET,
  },
  {
    name: 'a header value that is a number',
    run: file(target({ headers: { 'X-Key': 12345678901234 } })),
    field: 'gate.json: targets[0].headers.X-Key',
    shows: WITHHELD,
    hides: '12345678901234',
  },
  {
    name: 'a header env reference that is not a name',
    run: file(target({ headers: { Authorization: { env: SECRET } } })),
    field: 'gate.json: targets[0].headers.Authorization.env',
    shows: WITHHELD,
    hides: SECRET,
  },
  {
    name: 'headers given as a string',
    run: file(target({ headers: `Authorization: ${SECRET}` })),
    field: 'gate.json: targets[0].headers',
    shows: `must be an object ${WITHHELD}`,
    hides: SECRET,
  },
  {
    name: 'an ftp target URL with a password',
    run: file(JSON.stringify({ targets: [{ url: `ftp://ops:${SECRET}@files.example/` }] })),
    field: 'gate.json: targets[0].url',
    shows: '"ftp://***:***@files.example/"',
    hides: SECRET,
  },
  {
    name: 'targets given as an object',
    run: file('{"targets":{"url":"http://a/"}}'),
    field: 'gate.json: targets',
    shows: 'must be an array',
  },
  {
    name: 'an empty rollback command',
    run: file('{"targets":[],"rollback":{"command":""}}'),
    field: 'gate.json: rollback.command',
    shows: 'must be at least 1 character long',
  },
  {
    name: 'a config file that does not exist',
    run: () => gateOptions(['--config', 'missing.json']),
    field: '--config',
    shows: 'cannot be read: ENOENT',
  },
  {
    name: 'a config path that is a directory',
    run: () => gateOptions(['--config', 'a-directory']),
    field: '--config',
    shows: 'cannot be read: EISDIR',
  },
];
