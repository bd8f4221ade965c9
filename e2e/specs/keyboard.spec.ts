import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createContainer, e2eHostId, removeContainers } from '../support/fleet-containers';
import { screens } from '../support/screens';
import { adminUser, requiredEnv, signIn } from '../support/session';

test('the keyboard reaches every page, container and tab: Ctrl+K palette, ? help, row quick icons', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const run = randomBytes(4).toString('hex');
  const name = `e2e-kb-${run}`;
  const id = await createContainer(page, hostId, {
    name,
    cmd: ['sh', '-c', 'while true; do echo tick; sleep 1; done'],
    labels: { 'e2e.spec': 'keyboard' },
  });

  try {
    const palette = page.getByRole('dialog');
    const input = page.getByPlaceholder(/Jump to a page, host or container/);

    await test.step('Ctrl+K opens the palette; a container found by name opens its page', async () => {
      await page.keyboard.press('Control+k');
      await expect(input).toBeFocused();
      await input.fill(name);
      const options = palette.getByRole('option').filter({ hasText: name });
      // The container, then its logs, console and stats tabs.
      await expect(options).toHaveCount(4);
      await screens(page, 'keyboard-palette');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(
        (url) => url.pathname === `/containers/${hostId}/${id}` && !url.searchParams.has('tab'),
      );
      await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
    });

    await test.step("a container's tab opens from the palette, even while typing in a field", async () => {
      await page.goto('/containers');
      await page.getByRole('searchbox', { name: /Search containers/ }).click();
      await page.keyboard.press('Control+k');
      await input.fill(name);
      await palette
        .getByRole('option')
        .filter({ hasText: `${name} — logs` })
        .click();
      await expect(page).toHaveURL((url) => url.searchParams.get('tab') === 'logs');
      await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      await expect(page.getByRole('log')).toContainText('tick');
    });

    await test.step('pages and actions are in it too, and Escape closes it', async () => {
      await page.keyboard.press('Control+k');
      await input.fill('images');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL((url) => url.pathname === '/images');
      await page.keyboard.press('Control+k');
      await input.fill('dark theme');
      await page.keyboard.press('Enter');
      await expect(page.locator('html')).toHaveClass(/dark/);
      await page.keyboard.press('Control+k');
      await input.fill('system theme');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+k');
      await expect(palette).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(palette).toHaveCount(0);
    });

    await test.step('? lists every shortcut, g then a letter included', async () => {
      await page.locator('#main').focus();
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await expect(help).toBeVisible();
      await expect(help).toContainText('Command palette');
      for (const page of ['Dashboard', 'Containers', 'Images', 'Hosts', 'Admin']) {
        await expect(help.getByText(page, { exact: true })).toBeVisible();
      }
      await screens(page, 'keyboard-help');
      await page.keyboard.press('Escape');
      await expect(help).toBeHidden();
      await page.keyboard.press('g');
      await page.keyboard.press('c');
      await expect(page).toHaveURL((url) => url.pathname === '/containers');
    });

    await test.step('each row offers logs, console and stats icons', async () => {
      await page.getByRole('searchbox', { name: /Search containers/ }).fill(name);
      await expect(page.getByText('1 container match on')).toBeVisible();
      for (const tab of ['Logs', 'Console', 'Stats']) {
        await expect(page.getByRole('link', { name: `${tab} of ${name}` })).toBeVisible();
      }
      await screens(page, 'keyboard-row-actions', async (p) => {
        await expect(p.getByRole('link', { name: name, exact: true })).toBeVisible();
      });
      await page.getByRole('link', { name: `Stats of ${name}` }).click();
      await expect(page).toHaveURL((url) => url.searchParams.get('tab') === 'stats');
      await expect(page.getByRole('tab', { name: 'Stats' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
    });
  } finally {
    await removeContainers(page, hostId, [id]);
  }
});
