// `npm run docs:screenshot`: regenerates docs/report.png, the README's picture of `rollgate report`. It runs the same
// fixture as the report's browser tests (the real gate against a loopback service: deploys, a rollback, a monitor
// going down and recovering), writes the report, opens it in headless Chromium, clicks the failed deploy and takes
// the screenshot. Needs Debian's chromium (apt-get install -y chromium).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../bin/cli/run-cli.ts';
import { chromiumProblem, launchChromium } from '../test/support/headless-chromium.ts';
import { FAILED_VERSION, seedReportFixture } from '../test/support/report-fixture.ts';

const OUTPUT = resolve(import.meta.dirname, '../docs/report.png');

const problem = chromiumProblem();
if (problem !== undefined) {
  process.stderr.write(`docs:screenshot: ${problem}\n`);
  process.exit(1);
}
const workspace = await mkdtemp(join(tmpdir(), 'rollgate-docs-'));
try {
  await seedReportFixture(join(workspace, 'artifacts'));
  const code = await runCli(['report', '--service', 'checkout', '--environment', 'prod', '--out', 'report.html'], {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: workspace,
  });
  if (code !== 0) throw new Error(`rollgate report exited ${code}`);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(join(workspace, 'report.html')).href, { waitUntil: 'load' });
    await page.locator('svg.timeline a.marker', { hasText: `Deploy checkout/prod ${FAILED_VERSION}` }).click();
    await page.screenshot({ path: OUTPUT });
    process.stdout.write(`docs:screenshot: wrote ${OUTPUT}\n`);
  } finally {
    await browser.close();
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
