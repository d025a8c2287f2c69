// The report in headless Chromium (Debian's, driven by playwright-core), built from real runs (report-fixture.ts: the
// real gate with local adapters against a loopback service): it loads from disk with no console error and no request
// but the page itself, its timeline shows every run of the fixture, a click on the failed deploy opens its details
// (and without the script, its link still does), a service's markup stays text, and a screenshot renders.
// Without chromium each test skips, saying how to install it.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportCommand } from '../../../../bin/cli/report/report-command.ts';
import { chromiumProblem, launchChromium, type HeadlessChromium } from '../../../support/headless-chromium.ts';
import {
  FAILED_VERSION,
  FIXTURE_MONITOR,
  HOSTILE_DETAIL,
  seedReportFixture,
  type ReportFixture,
} from '../../../support/report-fixture.ts';
import { capturedIo } from '../../captured-io.ts';
import { REPO_ROOT } from '../../../support/repo-paths.ts';

const SCREENSHOT = join(REPO_ROOT, 'docs/report.png');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let problem: string | undefined;
let workspace: string;
let fixture: ReportFixture;
let reportUrl: string;
let browser: HeadlessChromium | undefined;

beforeAll(async () => {
  problem = chromiumProblem();
  workspace = await mkdtemp(join(tmpdir(), 'rollgate-report-browser-'));
  fixture = await seedReportFixture(join(workspace, 'artifacts'));
  const io = capturedIo(workspace);
  const code = await runReportCommand(['--service', 'checkout', '--environment', 'prod', '--out', 'report.html'], io);
  if (code !== 0) throw new Error(`rollgate report exited ${code}: ${io.stderrText()}`);
  reportUrl = pathToFileURL(join(workspace, 'report.html')).href;
  if (problem === undefined) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rm(workspace, { recursive: true, force: true });
});

/** Opens the report in a new page, keeping every console error, page error, request and dialog it makes. */
async function openReport(): Promise<{ page: Page; errors: string[]; requests: string[]; dialogs: string[] }> {
  const page = await browser!.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(reportUrl, { waitUntil: 'load' });
  return { page, errors, requests, dialogs };
}

function failedDeployMarker(page: Page) {
  return page.locator('svg.timeline a.marker', { hasText: `Deploy checkout/prod ${FAILED_VERSION}` });
}

describe('rollgate report in headless Chromium', () => {
  it('loads from disk with no console error and no request but the page itself', async (context) => {
    if (problem !== undefined) context.skip(problem);
    const { page, errors, requests } = await openReport();
    // Give anything deferred (a font, a favicon, a prefetch) the chance to ask.
    await page.waitForTimeout(300);
    expect(errors).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    await page.close();
  });

  it('shows every run of the fixture on the timeline, with the monitor going down and recovering', async (context) => {
    if (problem !== undefined) context.skip(problem);
    const { page } = await openReport();
    expect(await page.locator('svg.timeline a.marker').count()).toBe(fixture.outcomes.length);
    expect(await page.locator('svg.timeline .lane-label').allTextContents()).toEqual([
      'deploys checkout/prod',
      `monitor ${FIXTURE_MONITOR}`,
    ]);
    expect(await page.locator('svg.timeline a.marker path.shape').count()).toBe(3);
    expect(await failedDeployMarker(page).count()).toBe(1);
    expect(await page.locator('svg.timeline a.marker.status-failed').count()).toBe(
      fixture.outcomes.filter((outcome) => outcome.evidence.status === 'failed').length,
    );
    expect(await page.locator('svg.timeline .rollback-run').count()).toBe(1);
    expect(await page.locator('svg.timeline text.transition').allTextContents()).toEqual(['up', 'down', 'recovered']);
    expect(await page.locator('svg.timeline rect.state-down').count()).toBe(1);
    expect(await page.locator('#runs tbody tr').count()).toBe(fixture.outcomes.length);
    await page.close();
  });

  it('opens the failed deploy with its verdict, conditions and rollback when it is clicked', async (context) => {
    if (problem !== undefined) context.skip(problem);
    const { page, errors } = await openReport();
    await expect(page.locator('#details-empty').isVisible()).resolves.toBe(true);
    await failedDeployMarker(page).click();
    const open = page.locator('.run-detail.open');
    expect(await open.count()).toBe(1);
    expect(await open.isVisible()).toBe(true);
    const text = await open.textContent();
    expect(text).toContain(`Deploy checkout/prod ${FAILED_VERSION}`);
    expect(text).toContain('[STATUS] 503 in [200-299]');
    expect(text).toContain('succeeded, exit 0');
    expect(text).toContain('to 1.4.2 (known-good)');
    expect(text).toContain('switching checkout to 1.4.2');
    expect(await page.locator('#details-empty').isVisible()).toBe(false);
    expect(page.url()).toMatch(/#run-\d+$/);
    // A row of the table opens another run, and only that one.
    await page.locator('#runs tbody tr[data-status="passed"]').first().click();
    expect(await page.locator('.run-detail.open').count()).toBe(1);
    expect(await page.locator('.run-detail.open').textContent()).toContain(`Check ${FIXTURE_MONITOR}`);
    expect(await page.locator('#runs tbody tr.selected').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("keeps a service's markup as text: no dialog, no element from it", async (context) => {
    if (problem !== undefined) context.skip(problem);
    const { page, dialogs } = await openReport();
    await failedDeployMarker(page).click();
    expect(await page.locator('.run-detail.open pre').first().textContent()).toContain(HOSTILE_DETAIL);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('opens details through the link alone when the script does not run', async (context) => {
    if (problem !== undefined) context.skip(problem);
    const page = await browser!.context.newPage();
    const session = await browser!.context.newCDPSession(page);
    await session.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(reportUrl, { waitUntil: 'load' });
    await failedDeployMarker(page).click();
    const target = page.locator('.run-detail:target');
    expect(await target.isVisible()).toBe(true);
    expect(await target.textContent()).toContain(`Deploy checkout/prod ${FAILED_VERSION}`);
    await page.close();
  });

  it('renders a screenshot, and the one in docs/ is a PNG', async (context) => {
    if (problem !== undefined) context.skip(problem);
    const { page } = await openReport();
    await failedDeployMarker(page).click();
    const shot = await page.screenshot();
    expect(shot.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // The PNG header's width and height: the viewport, drawn.
    expect([shot.readUInt32BE(16), shot.readUInt32BE(20)]).toEqual([1400, 1000]);
    expect(shot.length).toBeGreaterThan(20_000);
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect((await readFile(SCREENSHOT)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    await page.close();
  });
});
