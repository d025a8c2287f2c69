// A vitest reporter, registered beside the default one, that ends a run with one line about the reliability suite
// (reliability-summary.ts), when any of its files ran. It only reads what vitest collected: test states, skip notes
// and the leak counts the leak suite puts on its tests' meta (leak-count.ts).

import { basename } from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import './leak-count.ts';
import {
  RELIABILITY_CATEGORIES,
  reliabilityLine,
  type ReportedFile,
  type ReportedTest,
} from './reliability-summary.ts';

const RELIABILITY_DIR = '/test/reliability/';

export default class ReliabilityReporter implements Reporter {
  private vitest: Vitest | undefined;

  public onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  public onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const files = testModules.filter(isReliabilityFile).map(reportedFile);
    const line = reliabilityLine(files);
    if (line === undefined) return;
    if (this.vitest !== undefined) this.vitest.logger.log(line);
    else process.stdout.write(`${line}\n`);
  }
}

function isReliabilityFile(module: TestModule): boolean {
  const id = module.moduleId.replaceAll('\\', '/');
  return id.includes(RELIABILITY_DIR) && RELIABILITY_CATEGORIES.some((category) => category.fileName === basename(id));
}

function reportedFile(module: TestModule): ReportedFile {
  const tests = [...module.children.allTests()].map(reportedTest);
  // A file whose import threw has no tests and a failed state; one whose tests were all filtered out still loaded.
  const loaded = !(tests.length === 0 && module.state() === 'failed');
  return { fileName: basename(module.moduleId), loaded, tests };
}

function reportedTest(test: TestCase): ReportedTest {
  const result = test.result();
  return {
    name: test.name,
    state: result.state,
    skipNote: result.state === 'skipped' ? result.note : undefined,
    leaksFound: test.meta().leaksFound,
  };
}
