// Debian's chromium driven by playwright-core, for the report's browser tests and its screenshot: headless, with a new
// empty profile and every background service off (without them Chromium reaches for Google's servers, which this
// machine's closed network refuses). When chromium is missing it says how to install it, so a test can skip with that
// reason rather than pass without looking.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumProblem(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `no Chromium at ${CHROMIUM_PATH}: install it with 'apt-get install -y chromium' (scripts/setup-test-env.sh does so when run as root)`;
}

/** Starts chromium with a fresh profile; `close` ends it and removes the profile. */
export async function launchChromium(options: { readonly javaScript?: boolean } = {}): Promise<HeadlessChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'rollgate-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1400, height: 1000 },
      javaScriptEnabled: options.javaScript ?? true,
      timeout: 30_000,
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
