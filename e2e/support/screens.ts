import type { Page } from '@playwright/test';
import { artifactPath } from './fleet';

export const SCREEN_WIDTHS = { desktop: 1440, phone: 390 } as const;
const HEIGHTS = { desktop: 900, phone: 844 } as const;
const SCHEMES = ['light', 'dark'] as const;

/**
 * Saves what the page shows now in light and dark mode at 1440 px and 390 px wide, as
 * e2e/artifacts/<name>-<light|dark>-<1440|390>.png. `ready` runs after each change of size or
 * scheme (e.g. wait for a row that a narrow layout renders differently). The page is left at its
 * original size and colour scheme.
 */
export async function screens(
  page: Page,
  name: string,
  ready?: (page: Page) => Promise<void>,
): Promise<void> {
  const original = page.viewportSize();
  const scheme = await page.evaluate(() =>
    matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  );
  try {
    for (const size of ['desktop', 'phone'] as const) {
      await page.setViewportSize({ width: SCREEN_WIDTHS[size], height: HEIGHTS[size] });
      for (const colorScheme of SCHEMES) {
        await page.emulateMedia({ colorScheme });
        if (ready) await ready(page);
        await page.screenshot({
          path: artifactPath(`${name}-${colorScheme}-${SCREEN_WIDTHS[size]}.png`),
          fullPage: true,
        });
      }
    }
  } finally {
    if (original) await page.setViewportSize(original);
    await page.emulateMedia({ colorScheme: scheme });
  }
}

/**
 * Saves what the page shows now in one colour scheme at one width, as
 * e2e/artifacts/<name>-<scheme>-<width>.png, for pages whose other sizes other specs already cover.
 * The page is left at its original size and colour scheme.
 */
export async function screen(
  page: Page,
  name: string,
  colorScheme: (typeof SCHEMES)[number] = 'light',
  size: keyof typeof SCREEN_WIDTHS = 'desktop',
): Promise<void> {
  const original = page.viewportSize();
  const scheme = await page.evaluate(() =>
    matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  );
  try {
    await page.setViewportSize({ width: SCREEN_WIDTHS[size], height: HEIGHTS[size] });
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: artifactPath(`${name}-${colorScheme}-${SCREEN_WIDTHS[size]}.png`),
      fullPage: true,
    });
  } finally {
    if (original) await page.setViewportSize(original);
    await page.emulateMedia({ colorScheme: scheme });
  }
}
