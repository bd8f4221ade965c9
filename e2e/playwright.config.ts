import { defineConfig } from '@playwright/test';

const baseURL = process.env.BERTH_URL;
if (!baseURL) {
  throw new Error(
    'BERTH_URL is not set. The end-to-end tests need a running Berth with its test fleet ' +
      '(`npm test` starts both); set BERTH_URL to its address, e.g. http://127.0.0.1:3000.',
  );
}

export default defineConfig({
  testDir: './specs',
  outputDir: './artifacts/test-results',
  // The tests share one server and one admin account; running them in order keeps them apart.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1366, height: 900 },
    // A failed test keeps its trace with DOM snapshots of every step (and a screenshot at the
    // end); the trace's film strip of screencast frames cost about a quarter of the run's CPU.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
    // Playwright cannot download its own browsers here; Debian's Chromium is used instead.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
});
