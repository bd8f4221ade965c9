import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { createContainer, e2eHostId, removeContainers } from '../support/fleet-containers';
import { screens } from '../support/screens';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

/** At most this many buttons are pressed per page (sort headers, tabs, toggles…). */
const BUTTONS_PER_PAGE = 20;

/**
 * Presses every button the page shows in its main area, one at a time: a dialog it opens is
 * closed with Escape, a page it leaves is opened again. Destructive confirmations inside dialogs
 * are never pressed (they are not on the page until a dialog opens).
 */
async function pressEveryButton(page: Page, path: string): Promise<number> {
  const buttons = page.locator('#main button:visible:enabled');
  const count = Math.min(await buttons.count(), BUTTONS_PER_PAGE);
  for (let i = 0; i < count; i += 1) {
    const button = buttons.nth(i);
    if (!(await button.isVisible())) continue;
    await button.click({ timeout: 2_000 }).catch(() => undefined);
    await page.waitForTimeout(150);
    if ((await page.locator('dialog[open], [role="dialog"]').count()) > 0) {
      await page.keyboard.press('Escape');
    }
    if (new URL(page.url()).pathname + new URL(page.url()).search !== path) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    }
  }
  return count;
}

test("a read-only user's walk through every page finds no button that answers 403", async ({
  page,
}) => {
  test.setTimeout(480_000);
  const run = randomBytes(4).toString('hex');
  const username = `e2e-walker-${run}`;
  const readerPassword = 'e2e-walker-password-1';
  const name = `e2e-walk-${run}`;

  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const user = await apiCall(page, 'POST', '/api/users', { username, password: readerPassword });
  expect(user.status()).toBe(201);
  const { id: userId } = (await user.json()) as { id: string };
  expect(
    (await apiCall(page, 'POST', '/api/grants', { userId, hostId, role: 'read-only' })).status(),
  ).toBe(201);
  const containerId = await createContainer(page, hostId, {
    name,
    cmd: ['sh', '-c', 'while true; do echo walking; sleep 1; done'],
    labels: { 'e2e.spec': 'read-only-walk' },
  });
  // A volume and a network of its own: the engine's others may be removed by other suites on the
  // shared engine before the walk reaches them.
  const volume = await apiCall(page, 'POST', `/api/hosts/${hostId}/volumes`, { name });
  expect(volume.status()).toBe(201);
  const network = await apiCall(page, 'POST', `/api/hosts/${hostId}/networks`, { name });
  expect(network.status()).toBe(201);
  const { id: networkId } = (await network.json()) as { id: string };

  try {
    await page.context().clearCookies();
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 403)
        refused.push(`${response.request().method()} ${response.url()}`);
    });
    await signIn(page, username, readerPassword);

    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    await expect(nav.first()).toBeVisible();
    const pages = await nav.evaluateAll((anchors) =>
      anchors.map((a) => a.getAttribute('href') ?? ''),
    );
    expect(pages).toEqual(expect.arrayContaining(['/', '/containers', '/images', '/volumes']));
    pages.push(
      '/containers/events',
      `/containers/${hostId}/${containerId}`,
      `/containers/${hostId}/${containerId}?tab=logs`,
      `/networks/${hostId}/${networkId}`,
      `/volumes/${hostId}/${name}`,
    );

    // Each other list's first row opens a detail page; those are walked too.
    for (const list of ['/images', '/stacks']) {
      await page.goto(list);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const first = page.locator(`#main table a[href^="${list}/"]`).first();
      if (await first.isVisible().catch(() => false)) {
        const href = await first.getAttribute('href');
        if (href) pages.push(href);
      }
    }

    const walked: string[] = [];
    for (const path of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('#main [role="alert"]')).toHaveCount(0);
      const pressed = await pressEveryButton(page, path);
      walked.push(`${path} (${pressed} buttons)`);
    }
    test.info().annotations.push({ type: 'walked', description: walked.join(', ') });

    await test.step('the logs are theirs to read and download', async () => {
      await page.goto(`/containers/${hostId}/${containerId}?tab=logs`);
      await expect(page.getByRole('log')).toContainText('walking');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download' }).click(),
      ]);
      expect(await download.failure()).toBeNull();
      await screens(page, 'read-only-walk-logs', async (p) => {
        await expect(p.getByRole('log')).toContainText('walking');
      });
    });

    await test.step('the palette offers no action they may not take', async () => {
      await page.keyboard.press('Control+k');
      const palette = page.getByRole('dialog');
      await expect(palette.getByRole('option', { name: /Sign out/ })).toBeVisible();
      await expect(palette.getByRole('option', { name: /New container/ })).toHaveCount(0);
      await expect(palette.getByRole('option', { name: /^Admin/ })).toHaveCount(0);
      await page.keyboard.press('Escape');
    });

    await page.goto('/containers');
    await page.getByRole('searchbox', { name: /Search containers/ }).fill(name);
    await expect(page.getByRole('link', { name: `Logs of ${name}` })).toBeVisible();
    await expect(page.getByRole('link', { name: `Console of ${name}` })).toHaveCount(0);
    await expect(page.getByRole('link', { name: `Stats of ${name}` })).toHaveCount(0);
    await screens(page, 'read-only-walk-containers');

    expect(refused).toEqual([]);
  } finally {
    await page.context().clearCookies();
    await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
    await removeContainers(page, hostId, [containerId]);
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/volumes/${name}`);
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/networks/${networkId}`);
  }
});
