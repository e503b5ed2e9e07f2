import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type BrowserAvailability = { readonly available: true } | { readonly available: false; readonly mustHave: boolean; readonly notice: string };

/** Browser specs skip with a notice where there is no chromium, and fail under CI=true. */
export function browserAvailability(): BrowserAvailability {
  if (existsSync(CHROMIUM_PATH)) return { available: true };
  return {
    available: false,
    mustHave: process.env.CI === 'true',
    notice: `no chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) to run the browser specs`,
  };
}

/** A fresh headless browser (a temporary profile of its own); close it in `after()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * A suite of browser specs. Where there is no chromium it holds one spec instead, which skips
 * with the notice, or fails under CI=true.
 */
export function describeWithChromium(name: string, suite: () => void): void {
  describe(name, () => {
    const availability = browserAvailability();
    if (!availability.available) {
      it('needs chromium', (t) => {
        if (availability.mustHave) assert.fail(`CI=true, but ${availability.notice}`);
        t.skip(availability.notice);
      });
      return;
    }
    suite();
  });
}
