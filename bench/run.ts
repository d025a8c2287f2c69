// `npm run bench`: runs the whole bench (or `-- --quick`, the smoke test's sizes), prints one table on stdout, progress
// on stderr, and writes results.json (bench/results.json for a full run, bench/.work/results-quick.json for --quick).

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fullPlan, parseBenchOptions, quickPlan } from './bench-plan.ts';
import { REPO_ROOT } from './node-child.ts';
import { renderTable } from './render-table.ts';
import { runBench } from './run-bench.ts';

let options: ReturnType<typeof parseBenchOptions>;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const plan = options.quick ? quickPlan(join(REPO_ROOT, 'bench', '.work', 'quick-bundles')) : fullPlan();
const results = await runBench(plan, (line) => process.stderr.write(`[bench] ${line}\n`));
process.stdout.write(renderTable(results));
await mkdir(dirname(options.out), { recursive: true });
await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`results written to ${options.out}\n`);
