import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { artifactPath } from '../support/fleet';
import { createContainer, e2eHostId, removeContainers } from '../support/fleet-containers';
import { screens } from '../support/screens';
import { adminUser, requiredEnv, signIn } from '../support/session';

/** 300 lines, three of them "needle N" (at 50, 150 and 250); then the container exits. */
const NUMBERED_LINES =
  'i=0; while [ $i -lt 300 ]; do if [ $((i % 100)) -eq 50 ]; then echo "needle $i"; else echo "line $i"; fi; i=$((i+1)); done';

async function downloadedText(page: Page, link: Locator): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return readFileSync(await download.path(), 'utf8');
}

test('label search, log search steps and whole-range download, and toasts after actions', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const run = randomBytes(4).toString('hex');
  const labels = (tier: string) => ({ 'e2e.spec': 'frictions', 'e2e.run': run, 'e2e.tier': tier });
  const web = `e2e-fr-${run}-web`;
  const worker = `e2e-fr-${run}-worker`;
  const ids = [
    await createContainer(page, hostId, {
      name: web,
      cmd: ['sh', '-c', NUMBERED_LINES],
      labels: labels('web'),
    }),
    await createContainer(page, hostId, {
      name: worker,
      cmd: ['sleep', '600'],
      start: false,
      labels: labels('worker'),
    }),
  ];

  try {
    await test.step('key=value words search labels exactly', async () => {
      await page.goto('/containers');
      const search = page.getByRole('searchbox', { name: /Search containers/ });
      await search.fill(`e2e.run=${run} e2e.tier=web`);
      await expect(page.getByText('1 container match on')).toBeVisible();
      await expect(page.getByRole('link', { name: web, exact: true })).toBeVisible();
      await expect(page.getByRole('link', { name: worker, exact: true })).toHaveCount(0);
      await screens(page, 'frictions-label-search');
      await search.fill(`e2e.run=${run}`);
      await expect(page.getByText('2 containers match on')).toBeVisible();
    });

    await test.step('log search counts matches and steps through them', async () => {
      await page.goto(`/containers/${hostId}/${ids[0]}?tab=logs`);
      await page.getByLabel('Last').selectOption('all');
      const log = page.getByRole('log');
      // The view is virtualised: count the lines it holds rather than look for the last one.
      await expect(page.getByText('300 lines', { exact: true })).toBeVisible();
      const search = page.getByRole('searchbox', { name: 'Search the log' });
      await search.fill('needle');
      await expect(page.getByText('1 of 3 matches')).toBeVisible();
      const current = log.locator('[data-current-match]');
      await expect(current).toHaveText('needle 50');
      await search.press('Enter');
      await expect(page.getByText('2 of 3 matches')).toBeVisible();
      await expect(current).toHaveText('needle 150');
      await expect(current).toBeInViewport();
      await page.getByRole('button', { name: 'Next match' }).click();
      await expect(current).toHaveText('needle 250');
      await search.press('Shift+Enter');
      await expect(current).toHaveText('needle 150');
      await screens(page, 'frictions-log-search', async (p) => {
        await expect(p.locator('[data-current-match]')).toBeVisible();
      });
    });

    await test.step('download reads the whole range from the server, stream names only when asked', async () => {
      // Cleared from the view, the lines still download: the server reads them from the engine.
      await page.getByRole('button', { name: 'Clear' }).click();
      await expect(page.getByText('No log lines yet.')).toBeVisible();
      const link = page.getByRole('link', { name: 'Download' });
      const plain = (await downloadedText(page, link)).split('\n');
      expect(plain).toHaveLength(301);
      expect(plain.slice(0, 2)).toEqual(['line 0', 'line 1']);
      expect(plain[50]).toBe('needle 50');
      await page.getByLabel('Stream names in download').check();
      const named = (await downloadedText(page, link)).split('\n');
      expect(named.slice(0, 2)).toEqual(['stdout line 0', 'stdout line 1']);
      await page.getByLabel('Last').selectOption('100');
      expect((await downloadedText(page, link)).split('\n')[0]).toBe('stdout line 200');
    });

    await test.step('a completed action is confirmed by a toast', async () => {
      await page.goto(`/containers/${hostId}/${ids[1]}`);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      const toast = page.getByText(`${worker} started`);
      await expect(toast).toBeVisible();
      await page.screenshot({ path: artifactPath('frictions-toast.png') });
    });
  } finally {
    await removeContainers(page, hostId, ids);
  }
});
