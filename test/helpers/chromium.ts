import { existsSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';

/** Debian's Chromium, which the browser tests and benchmarks drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium on a machine without a network: no GPU, no sandbox (tests run as root), and
 * none of the background connections that this machine would refuse by the dozen.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether Chromium is here. Without it a test file says loudly that it skips (`file`, and
 * `what` needs it); with CI=true that is an error instead.
 */
export function chromiumFound(file: string, what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: ${what} need it`);
  console.warn(
    `SKIPPED ${file}: no Chromium at ${CHROMIUM} (apt-get install chromium); with CI=true this fails`,
  );
  return false;
}

/** A headless Chromium with the profile folder `profile` and a window of `viewport`. */
export async function launchChromium(
  profile: string,
  viewport: { width: number; height: number },
  deviceScaleFactor?: number,
): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    ...(deviceScaleFactor === undefined ? {} : { deviceScaleFactor }),
    args: ARGS,
  });
}
