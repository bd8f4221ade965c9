import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const IMAGE = 'local/busybox:latest';
const SPEC_LABEL = { key: 'e2e.spec', value: 'read-only' };

test('a read-only user is offered only what they may do, and every page they open works', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const run = randomBytes(4).toString('hex');
  const username = `e2e-reader-${run}`;
  const readerPassword = 'e2e-reader-password-1';
  const name = `e2e-ro-${run}`;

  // Set up through the API as the administrator: a user with only Read-only on the host, and a
  // stopped container for them to look at.
  await signIn(page, adminUser, password);
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const hostId = hosts.find((host) => host.name === hostName)?.id;
  if (!hostId) throw new Error(`host ${hostName} is not registered`);
  const user = await apiCall(page, 'POST', '/api/users', {
    username,
    password: readerPassword,
  });
  expect(user.status()).toBe(201);
  const { id: userId } = (await user.json()) as { id: string };
  expect(
    (await apiCall(page, 'POST', '/api/grants', { userId, hostId, role: 'read-only' })).status(),
  ).toBe(201);
  const created = await apiCall(page, 'POST', `/api/hosts/${hostId}/containers`, {
    image: IMAGE,
    name,
    start: false,
    labels: { [SPEC_LABEL.key]: SPEC_LABEL.value },
  });
  expect(created.status()).toBe(201);
  const { id: containerId } = (await created.json()) as { id: string };

  try {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/login');

    // Any refusal the dashboard walks into is a button or page that should not have been there.
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 403)
        refused.push(`${response.request().method()} ${response.url()}`);
    });
    await signIn(page, username, readerPassword);

    await test.step('the navigation has no admin, hosts or registries', async () => {
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: /Containers/ })).toBeVisible();
      for (const hidden of ['Admin', 'Hosts', 'Registries']) {
        await expect(nav.getByRole('link', { name: new RegExp(hidden) })).toHaveCount(0);
      }
      await expect(page.getByRole('table', { name: 'Hosts overview' })).toContainText(hostName);
    });

    await test.step('the fleet list offers no create and no selection', async () => {
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Containers', exact: true })
        .click();
      await page.getByRole('searchbox', { name: /Search containers/ }).fill(name);
      await expect(page.getByText('1 container match on')).toBeVisible();
      await expect(page.getByRole('link', { name: 'New container' })).toHaveCount(0);
      await expect(page.getByRole('checkbox')).toHaveCount(0);
      await page.getByRole('link', { name, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
    });

    await test.step('the container page shows it, with no action and no tab they lack', async () => {
      await expect(page.getByText('Environment')).toBeVisible();
      for (const action of ['Start', 'Rename', 'Resources', 'Recreate', 'Remove']) {
        await expect(page.getByRole('button', { name: action, exact: true })).toHaveCount(0);
      }
      await expect(page.getByRole('link', { name: 'Duplicate' })).toHaveCount(0);
      // Read-only reads logs (as in Portainer), but has no console or stats.
      await expect(page.getByRole('tab')).toHaveText(['Overview', 'Logs']);
      // A link to the stats tab falls back to the overview.
      await page.goto(`/containers/${hostId}/${containerId}?tab=stats`);
      await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      await expect(page.getByRole('log')).toHaveCount(0);
    });

    await test.step('pages behind missing permissions say so without asking the API', async () => {
      await page.goto('/containers/new');
      await expect(page.getByText('No host to create on')).toBeVisible();
      await page.goto('/hosts');
      await expect(page.getByText('Administrators only')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Add host' })).toHaveCount(0);
      await page.goto(`/hosts/${hostId}`);
      await expect(page.getByText('Administrators only')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
    });

    await test.step('every page in their navigation opens without an error', async () => {
      await page.goto('/');
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      // The navigation renders once the user's capabilities are in; read it after that.
      await expect(links.first()).toBeVisible();
      const hrefs = await links.evaluateAll((anchors) =>
        anchors.map((a) => a.getAttribute('href') ?? ''),
      );
      expect(hrefs.length).toBeGreaterThan(3);
      for (const href of [...hrefs, '/containers/events']) {
        await page.goto(href);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await expect(page.locator('#main [role="alert"]')).toHaveCount(0);
      }
    });

    expect(refused).toEqual([]);
  } finally {
    await page.context().clearCookies();
    await signIn(page, adminUser, password);
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/containers/${containerId}?force=true`);
  }
});
