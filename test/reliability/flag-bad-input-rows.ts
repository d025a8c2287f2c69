// Bad flags of `rollgate gate` and `rollgate evidence`, and bad CI-contract environment variables.

import { readEvidenceOptions } from '../../bin/cli/evidence/evidence-options.ts';
import { type BadInputRow, gateOptions, SECRET } from './bad-input-row.ts';

export const FLAG_ROWS: readonly BadInputRow[] = [
  {
    name: 'a stray URL argument with credentials',
    run: () => gateOptions([`https://ops:${SECRET}@a.example/`]),
    field: 'arguments',
    shows: 'unexpected argument "https://***:***@a.example/" (options start with --; did you mean --url?)',
    hides: SECRET,
  },
  {
    name: 'a flag name without its dashes',
    run: () => gateOptions(['json']),
    field: 'arguments',
    shows: 'unexpected argument "json" (options start with --; did you mean --json?)',
  },
  {
    name: 'a value after a switch',
    run: () => gateOptions(['--dry-run', 'true']),
    field: 'arguments',
    shows: '--dry-run is a switch and takes no value',
  },
  {
    name: 'an argument after --',
    run: () => gateOptions(['--', '--url']),
    field: 'arguments',
    shows: 'unexpected argument "--url"',
  },
  {
    name: 'a switch given a value',
    run: () => gateOptions(['--json=yes']),
    field: '--json',
    shows: 'is a switch and takes no value (write --json alone)',
  },
  { name: 'a value flag with no value', run: () => gateOptions(['--url']), field: '--url', shows: 'needs a value' },
  {
    name: 'an unknown flag',
    run: () => gateOptions(['--colour']),
    field: '--colour',
    shows: 'is not a rollgate gate option (got "--colour")',
  },
  {
    name: 'an unknown short flag',
    run: () => gateOptions(['-x']),
    field: '-x',
    shows: 'is not a rollgate gate option',
  },
  {
    name: 'the expected version twice',
    run: () => gateOptions(['--expect-version', '1.0.0', '--expect-version', '2.0.0']),
    field: '--expect-version',
    shows: 'is given more than once; give it once (got ["1.0.0","2.0.0"])',
  },
  {
    name: 'the rollback command twice',
    run: () => gateOptions(['--rollback-command', './a.sh', '--rollback-command=./b.sh']),
    field: '--rollback-command',
    shows: 'is given more than once',
  },
  {
    name: 'NaN as a timeout',
    run: () => gateOptions(['--timeout-ms', 'NaN']),
    field: '--timeout-ms',
    shows: 'must be a whole number (got "NaN")',
  },
  {
    name: 'an exponent as a retry count',
    run: () => gateOptions(['--retries', '1e3']),
    field: '--retries',
    shows: 'must be a whole number (got "1e3")',
  },
  {
    name: 'a hexadecimal retry count',
    run: () => gateOptions(['--retries', '0x10']),
    field: '--retries',
    shows: '(got "0x10")',
  },
  {
    name: 'a concurrency beyond any limit',
    run: () => gateOptions(['--concurrency', '99999999999999999999']),
    field: '--concurrency',
    shows: 'must be at most 512 (got 100000000000000000000)',
  },
  {
    name: 'a negative timeout',
    run: () => gateOptions(['--timeout-ms', '-5']),
    field: '--timeout-ms',
    shows: 'must be at least 1 (got -5)',
  },
  {
    name: 'an empty rollback timeout',
    run: () => gateOptions(['--rollback-timeout-ms', '']),
    field: '--rollback-timeout-ms',
    shows: 'must be a whole number (got "")',
  },
  {
    name: 'an ftp --url with a password',
    run: () => gateOptions(['--url', `ftp://ops:${SECRET}@files.example/`]),
    field: '--url',
    shows: 'ftp://***:***@files.example/',
    hides: SECRET,
  },
  {
    name: 'a shell command as a version',
    run: () => gateOptions(['--expect-version', '1.4.2; rm -rf /']),
    field: '--expect-version',
    shows: '(got "1.4.2; rm -rf /")',
  },
  {
    name: 'a word in a --url list',
    run: () => gateOptions(['--url', 'http://a.example/,,nope']),
    field: '--url',
    shows: 'is not a valid URL (got "nope")',
  },
  {
    name: 'a stray argument to rollgate evidence list',
    run: () => readEvidenceOptions(['list', '--bucket', 'b', 'prod']),
    field: 'arguments',
    shows: 'unexpected argument "prod" (options start with --)',
  },
  {
    name: 'the bucket twice',
    run: () => readEvidenceOptions(['show', '--bucket', 'a', '--bucket', 'b', '--key', 'k']),
    field: '--bucket',
    shows: 'is given more than once; give it once (got ["a","b"])',
  },
  {
    name: 'an unknown evidence flag',
    run: () => readEvidenceOptions(['list', '--bucket', 'b', '--until', 'x']),
    field: '--until',
    shows: 'is not a rollgate evidence list option',
  },
];

export const ENV_ROWS: readonly BadInputRow[] = [
  {
    name: 'a multi-line RUNTIME_HEALTH_URLS with a bad line',
    run: () => gateOptions([], { RUNTIME_HEALTH_URLS: 'http://a.example/\n  nope\n' }),
    field: 'RUNTIME_HEALTH_URLS',
    shows: '(got "nope")',
  },
  {
    name: 'an ftp URL with a password in RUNTIME_HEALTH_URLS',
    run: () => gateOptions([], { RUNTIME_HEALTH_URLS: `http://a.example/,ftp://ops:${SECRET}@f.example/` }),
    field: 'RUNTIME_HEALTH_URLS',
    shows: 'ftp://***:***@f.example/',
    hides: SECRET,
  },
  {
    name: 'a ROLLGATE_FAIL_ON_SKIPPED that is not a boolean',
    run: () => gateOptions([], { ROLLGATE_FAIL_ON_SKIPPED: 'sometimes' }),
    field: 'ROLLGATE_FAIL_ON_SKIPPED',
    shows: 'must be true or false (got "sometimes")',
  },
  {
    name: 'a RUNTIME_EXPECTED_VERSION with a line break',
    run: () => gateOptions([], { RUNTIME_EXPECTED_VERSION: '1.4.2\nx' }),
    field: 'RUNTIME_EXPECTED_VERSION',
    shows: '(got "1.4.2\\nx")',
  },
  {
    name: 'a RUNTIME_ROLLBACK_COMMAND of 5,000 characters',
    run: () => gateOptions([], { RUNTIME_ROLLBACK_COMMAND: 'x'.repeat(5000) }),
    field: 'RUNTIME_ROLLBACK_COMMAND',
    shows: 'must be at most 4096 characters long',
  },
];
