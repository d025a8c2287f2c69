// The one line that ends `npm run test:reliability`: per category, what passed out of what ran (skips named with
// their reason), the fuzz cases of the fuzz tests that passed, and the leaks the leak suite found. Pure: the reporter
// (reliability-reporter.ts) turns vitest's modules into these records.

/** A test as the line counts it. */
export interface ReportedTest {
  readonly name: string;
  readonly state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** Why a skipped test was skipped, when it said (`ctx.skip(note)`). */
  readonly skipNote?: string | undefined;
  /** Planted secrets a leak test found in its place; absent when the test never got to search. */
  readonly leaksFound?: number | undefined;
}

/** A reliability test file that ran. */
export interface ReportedFile {
  /** Its file name, e.g. `hostile-endpoints.test.ts`. */
  readonly fileName: string;
  /** False when the file failed before its tests ran (an import or syntax error). */
  readonly loaded: boolean;
  readonly tests: readonly ReportedTest[];
}

type CategoryKind = 'count' | 'fuzz' | 'leaks';

/** The categories, in the order the line names them. */
export const RELIABILITY_CATEGORIES: ReadonlyArray<{
  readonly fileName: string;
  readonly label: string;
  readonly kind: CategoryKind;
}> = [
  { fileName: 'hostile-endpoints.test.ts', label: 'hostile endpoints', kind: 'count' },
  { fileName: 'aws-faults.test.ts', label: 'AWS faults', kind: 'count' },
  { fileName: 'bad-inputs.test.ts', label: 'bad inputs', kind: 'count' },
  { fileName: 'fuzz.test.ts', label: 'fuzz', kind: 'fuzz' },
  { fileName: 'leaks.test.ts', label: 'leaks', kind: 'leaks' },
];

/** A fuzz test names its case count, `... (5000 cases)`. */
const FUZZ_CASES = /\((\d+) cases\)/;
/** A test skipped at collection says why in its name, `... (skipped: unshare could not run)`. */
const SKIP_IN_NAME = /\(skipped: ([^)]*(?:\([^)]*\)[^)]*)*)\)\s*$/;

/**
 * `reliability: hostile endpoints 35/35, AWS faults 13/13, bad inputs 79/79, fuzz 20100 cases, leaks 0`, naming only
 * the categories whose files ran; undefined when none did.
 */
export function reliabilityLine(files: readonly ReportedFile[]): string | undefined {
  const parts: string[] = [];
  for (const category of RELIABILITY_CATEGORIES) {
    const file = files.find((each) => each.fileName === category.fileName);
    if (file === undefined) continue;
    if (!file.loaded) {
      parts.push(`${category.label}: the file failed to load`);
      continue;
    }
    parts.push(`${category.label} ${describeCategory(category.kind, file.tests)}`);
  }
  return parts.length === 0 ? undefined : `reliability: ${parts.join(', ')}`;
}

function describeCategory(kind: CategoryKind, tests: readonly ReportedTest[]): string {
  const passed = tests.filter((test) => test.state === 'passed');
  if (kind === 'count') return `${passed.length}/${tests.length}${notPassedNote(tests)}`;
  if (kind === 'fuzz') {
    const cases = passed.reduce((sum, test) => sum + Number(FUZZ_CASES.exec(test.name)?.[1] ?? 0), 0);
    // Cases of a test that did not pass are not counted: the note says how many of its tests that was.
    const note = notPassedNote(tests);
    return `${cases} cases${note === '' ? '' : ` (of ${passed.length}/${tests.length} tests; ${note.slice(2)}`}`;
  }
  const searched = tests.filter((test) => test.leaksFound !== undefined);
  const leaks = searched.reduce((sum, test) => sum + (test.leaksFound ?? 0), 0);
  const unsearched = tests.length - searched.length;
  return `${leaks}${unsearched > 0 ? ` (${unsearched} of ${tests.length} places not searched)` : ''}`;
}

/** ` (1 failed; 5 skipped: no network namespace)`, or nothing when every test passed. */
function notPassedNote(tests: readonly ReportedTest[]): string {
  const notes: string[] = [];
  const failed = tests.filter((test) => test.state === 'failed').length;
  if (failed > 0) notes.push(`${failed} failed`);
  const pending = tests.filter((test) => test.state === 'pending').length;
  if (pending > 0) notes.push(`${pending} did not finish`);
  const skipsByReason = new Map<string, number>();
  for (const test of tests) {
    if (test.state !== 'skipped') continue;
    const reason = test.skipNote ?? SKIP_IN_NAME.exec(test.name)?.[1] ?? 'no reason given';
    skipsByReason.set(reason, (skipsByReason.get(reason) ?? 0) + 1);
  }
  for (const [reason, count] of skipsByReason) notes.push(`${count} skipped: ${reason}`);
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}
