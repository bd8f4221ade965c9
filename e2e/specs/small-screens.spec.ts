import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { artifactPath } from '../support/fleet';
import { screens } from '../support/screens';
import { createContainer, e2eHostId, removeContainers } from '../support/fleet-containers';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

/** The list scrolls up and down only: nothing is left beyond its right edge. */
async function expectNoSidewaysScroll(page: Page, table: string): Promise<void> {
  const box = page.getByRole('table', { name: table }).locator('xpath=..');
  const overflow = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

test('on a small laptop the sidebar is narrow and collapsible and the container list keeps State and Created; on a phone status, logs and restart work', async ({
  page,
}) => {
  // Many steps, each screenshotted four times, on a shared two-core machine.
  test.setTimeout(240_000);
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const name = `e2e-phone-${randomBytes(4).toString('hex')}`;
  const id = await createContainer(page, hostId, {
    name,
    cmd: ['sh', '-c', 'echo hello from the phone; sleep 3600'],
  });
  try {
    await test.step('at 800 px: icons-only sidebar, the list chooses columns that fit', async () => {
      await page.setViewportSize({ width: 800, height: 900 });
      await page.goto(`/containers?host=${hostId}`);
      const sidebar = page.locator('aside');
      await expect(sidebar).toHaveAttribute('data-width', 'narrow');
      await expect(page.getByRole('link', { name: 'Containers', exact: true })).toBeVisible();
      const table = page.getByRole('table', { name: 'Containers' });
      await expect(table.getByRole('link', { name, exact: true })).toBeVisible();
      for (const header of ['Name', 'State', 'Created']) {
        await expect(table.getByRole('columnheader', { name: header })).toBeVisible();
      }
      await expect(table.getByRole('columnheader', { name: 'Ports' })).toHaveCount(0);
      await expectNoSidewaysScroll(page, 'Containers');
      await page.screenshot({
        path: artifactPath('small-screens-800-narrow-sidebar.png'),
        fullPage: true,
      });

      // Expanded by choice, remembered over a reload, collapsed again.
      await page.getByRole('button', { name: 'Expand sidebar' }).click();
      await expect(sidebar).toHaveAttribute('data-width', 'wide');
      await page.reload();
      await expect(page.locator('aside')).toHaveAttribute('data-width', 'wide');
      await page.getByRole('button', { name: 'Collapse sidebar' }).click();
      await expect(page.locator('aside')).toHaveAttribute('data-width', 'narrow');
    });

    await test.step('the lists in light and dark at 1440 and 390 px', async () => {
      await page.goto(`/containers?host=${hostId}`);
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
      await screens(page, 'small-screens-containers', async (p) => {
        await expect(p.getByRole('link', { name, exact: true })).toBeVisible();
      });
      await page.goto('/hosts');
      await screens(page, 'small-screens-hosts', async (p) => {
        await expect(p.getByRole('link', { name: hostName, exact: true })).toBeVisible();
      });
    });

    await test.step('at 390 px: the drawer opens the list, the container shows its status, logs and restarts', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/');
      await page.getByRole('button', { name: 'Open navigation' }).click();
      const drawer = page.getByRole('dialog', { name: 'Navigation' });
      await drawer.getByRole('link', { name: 'Containers', exact: true }).click();
      await expect(drawer).toBeHidden();
      const table = page.getByRole('table', { name: 'Containers' });
      await expect(table.getByRole('columnheader', { name: 'State' })).toBeVisible();
      await expect(table.getByRole('columnheader', { name: 'Image' })).toHaveCount(0);
      await expectNoSidewaysScroll(page, 'Containers');
      await page.goto(`/containers?host=${hostId}&q=${name}`);
      const nameLink = table.getByRole('link', { name, exact: true });
      await expect(nameLink).toBeVisible();

      // The row's logs, console and stats icons fold over its State: they show while the row is
      // hovered or holds the focus, and the list stays as wide as the screen.
      const quick = ['Logs', 'Console', 'Stats'].map((label) =>
        table.getByRole('link', { name: `${label} of ${name}`, exact: true }),
      );
      await expect(quick[0]!).toBeHidden();
      const row = table
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name, exact: true }) });
      await row.hover();
      for (const icon of quick) await expect(icon).toBeInViewport();
      await expectNoSidewaysScroll(page, 'Containers');
      await page.screenshot({ path: artifactPath('small-screens-390-row-icons.png') });
      await page.mouse.move(0, 0);
      await expect(quick[0]!).toBeHidden();
      await nameLink.focus();
      for (const icon of quick) await expect(icon).toBeInViewport();
      await expectNoSidewaysScroll(page, 'Containers');
      await nameLink.click();

      await expect(page.getByRole('heading', { name })).toBeVisible();
      await expect(page.locator('[data-state="running"]').first()).toBeVisible();
      const restart = page.getByRole('button', { name: 'Restart' });
      await expect(restart).toBeInViewport();
      await screens(page, 'small-screens-container', async (p) => {
        await expect(p.getByRole('button', { name: 'Restart' })).toBeVisible();
      });
      const before = (await (
        await apiCall(page, 'GET', `/api/hosts/${hostId}/containers/${id}/json`)
      ).json()) as {
        State: { StartedAt: string };
      };
      await restart.click();
      await expect
        .poll(
          async () =>
            (
              (await (
                await apiCall(page, 'GET', `/api/hosts/${hostId}/containers/${id}/json`)
              ).json()) as { State: { StartedAt: string } }
            ).State.StartedAt,
          { timeout: 20_000 },
        )
        .not.toBe(before.State.StartedAt);

      await page.getByRole('tab', { name: 'Logs' }).click();
      await expect(page.getByText('hello from the phone').first()).toBeVisible({ timeout: 20_000 });
      await screens(page, 'small-screens-logs', async (p) => {
        await expect(p.getByText('hello from the phone').first()).toBeVisible();
      });
    });
  } finally {
    await removeContainers(page, hostId, [id]);
  }
});
