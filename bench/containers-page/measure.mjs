/* global window, document, MutationObserver, requestAnimationFrame -- page functions run in Chromium */
// playwright-core's chromium, through the package the repository declares (@playwright/test).
import { chromium } from '@playwright/test';

/** The same browser and flags as the end-to-end tests (e2e/playwright.config.ts). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * Runs in the page before its own scripts: records long tasks (main thread busy > 50 ms) and the
 * moment the first container row is in the table. Times are ms since navigation start.
 */
function probe() {
  const bench = { longTasks: [], firstRow: null };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const seen = () =>
    document.querySelector('table[aria-label="Containers"] tbody tr[aria-rowindex] a[href]');
  const watch = new MutationObserver(() => {
    if (bench.firstRow === null && seen()) {
      bench.firstRow = performance.now();
      watch.disconnect();
    }
  });
  document.addEventListener('DOMContentLoaded', () =>
    watch.observe(document.body, { childList: true, subtree: true }),
  );
}

/** A tab for the visits; it stays open so warm visits do not include starting a renderer. */
export async function openTab(context) {
  const page = await context.newPage();
  await page.addInitScript(probe);
  return page;
}

/**
 * One visit of /containers in `page`: first contentful paint, first row, and "interactive" — the
 * first row is shown and the main thread has had no long task for `quietMs` (a shortened TTI: the
 * end of the last long task, or the first row if later). Then, on the same page: a search for one
 * name (including the page's 250 ms typing debounce), a jump to the last row (the pages in between
 * load one after the other), and a steady scroll whose frame times show whether it stays smooth.
 */
export async function measureVisit(page, url, { quietMs, searchName }) {
  // Leave the page first, so every visit is a full load of /containers.
  await page.goto(`${url}/api/health`);
  await page.goto(`${url}/containers`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench?.firstRow !== null, null, {
    timeout: 60_000,
    polling: 25,
  });
  await page.waitForFunction(
    (quiet) => {
      const bench = window.__bench;
      const lastEnd = bench.longTasks.reduce((end, [start, d]) => Math.max(end, start + d), 0);
      return performance.now() - Math.max(bench.firstRow, lastEnd) >= quiet;
    },
    quietMs,
    { timeout: 60_000, polling: 100 },
  );
  const load = await page.evaluate(() => {
    const bench = window.__bench;
    const lastEnd = bench.longTasks.reduce((end, [start, d]) => Math.max(end, start + d), 0);
    const table = document.querySelector('table[aria-label="Containers"]');
    return {
      fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      firstRowMs: bench.firstRow,
      interactiveMs: Math.max(bench.firstRow, lastEnd),
      longTasks: bench.longTasks.length,
      longestTaskMs: Math.max(0, ...bench.longTasks.map(([, d]) => d)),
      rows: Number(table?.getAttribute('aria-rowcount') ?? 1) - 1,
    };
  });
  return { ...load, ...(await interact(page, { searchName, rows: load.rows })) };
}

async function interact(page, { searchName, rows }) {
  const table = page.locator('table[aria-label="Containers"]');
  const box = page.getByRole('searchbox', { name: /Search containers/ });
  await box.click();
  let started = Date.now();
  await box.fill(searchName);
  await table.locator('tbody a', { hasText: searchName }).first().waitFor({ timeout: 30_000 });
  const searchMs = Date.now() - started;
  await box.fill('');
  await page.waitForFunction(
    (n) =>
      document.querySelector('table[aria-label="Containers"]')?.getAttribute('aria-rowcount') ===
      String(n + 1),
    rows,
    { timeout: 30_000 },
  );

  const scroller = page.getByTestId('container-scroll');
  started = Date.now();
  await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight));
  await page
    .locator(`table[aria-label="Containers"] tbody tr[aria-rowindex="${rows + 1}"] a[href]`)
    .waitFor({ timeout: 60_000 });
  const lastRowMs = Date.now() - started;

  // About 60 rows a second for 3 s, from the top: rows render and pages load while it moves.
  const frames = await scroller.evaluate(
    (element) =>
      new Promise((resolve) => {
        element.scrollTop = 0;
        const deltas = [];
        let previous = performance.now();
        const end = previous + 3_000;
        const step = (now) => {
          deltas.push(now - previous);
          previous = now;
          element.scrollTop += 52;
          if (now < end) requestAnimationFrame(step);
          else resolve(deltas);
        };
        requestAnimationFrame(step);
      }),
  );
  const sorted = frames.slice(1).sort((a, b) => a - b);
  return {
    searchMs,
    lastRowMs,
    frames: sorted.length,
    frameP95Ms: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? null,
    slowFrames: sorted.filter((d) => d > 50).length,
  };
}
