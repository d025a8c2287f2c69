// The reliability line: what it says for a clean run, skips, failures, fuzz cases, leaks, and files that did not run.

import { describe, expect, it } from 'vitest';
import { reliabilityLine, type ReportedFile, type ReportedTest } from './reliability-summary.ts';

const passed = (name: string, leaksFound?: number): ReportedTest => ({ name, state: 'passed', leaksFound });
const times = (count: number, make: (index: number) => ReportedTest): ReportedTest[] =>
  Array.from({ length: count }, (_, index) => make(index));
const file = (fileName: string, tests: ReportedTest[]): ReportedFile => ({ fileName, loaded: true, tests });

const CLEAN: ReportedFile[] = [
  file(
    'hostile-endpoints.test.ts',
    times(35, (index) => passed(`case ${index}`)),
  ),
  file(
    'aws-faults.test.ts',
    times(13, (index) => passed(`fault ${index}`)),
  ),
  file(
    'bad-inputs.test.ts',
    times(79, (index) => passed(`row ${index}`)),
  ),
  file('fuzz.test.ts', [passed('parser (20000 cases)'), passed('url list (100 cases)')]),
  file(
    'leaks.test.ts',
    times(3, (index) => passed(`place ${index}`, 0)),
  ),
];

describe('the reliability line', () => {
  it('names every category of a clean run in order', () => {
    expect(reliabilityLine([...CLEAN].reverse())).toBe(
      'reliability: hostile endpoints 35/35, AWS faults 13/13, bad inputs 79/79, fuzz 20100 cases, leaks 0',
    );
  });

  it('counts skipped tests as not passed and names each reason, from the skip note or the test name', () => {
    const tests: ReportedTest[] = [
      passed('a'),
      { name: 'dns one (skipped: no network namespace)', state: 'skipped' },
      { name: 'dns two (skipped: no network namespace)', state: 'skipped' },
      { name: 'bad port', state: 'skipped', skipNote: 'every fetch-bad port is taken' },
      { name: 'broken', state: 'failed' },
    ];
    expect(reliabilityLine([file('hostile-endpoints.test.ts', tests)])).toBe(
      'reliability: hostile endpoints 1/5 (1 failed; 2 skipped: no network namespace; 1 skipped: every fetch-bad port is taken)',
    );
  });

  it('adds up the cases of passed fuzz tests only and says how many tests did not pass', () => {
    const tests: ReportedTest[] = [passed('x (3000 cases)'), { name: 'y (5000 cases)', state: 'failed' }];
    expect(reliabilityLine([file('fuzz.test.ts', tests)])).toBe(
      'reliability: fuzz 3000 cases (of 1/2 tests; 1 failed)',
    );
  });

  it('sums the leaks found and names the places that were never searched', () => {
    const tests: ReportedTest[] = [
      passed('a', 0),
      { name: 'b', state: 'failed', leaksFound: 2 },
      { name: 'c', state: 'failed' },
    ];
    expect(reliabilityLine([file('leaks.test.ts', tests)])).toBe('reliability: leaks 2 (1 of 3 places not searched)');
  });

  it('names only the categories whose files ran, and a file that failed to load', () => {
    const broken: ReportedFile = { fileName: 'aws-faults.test.ts', loaded: false, tests: [] };
    expect(reliabilityLine([CLEAN[0]!, broken])).toBe(
      'reliability: hostile endpoints 35/35, AWS faults: the file failed to load',
    );
  });

  it('says nothing when no reliability file ran', () => {
    expect(reliabilityLine([])).toBeUndefined();
  });
});
