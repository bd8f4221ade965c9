import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fleetValue } from '../support/fleet';
import { screens } from '../support/screens';
import { createContainer, e2eHostId, removeContainers } from '../support/fleet-containers';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const suffix = () => randomBytes(4).toString('hex');

/** A unix socket passing every connection on to a fleet engine; closing it takes the "host" down. */
async function engineProxy(
  engineUrl: string,
): Promise<{ path: string; close: () => Promise<void> }> {
  const target = engineUrl.replace(/^unix:\/\//, '');
  const path = join(tmpdir(), `berth-e2e-proxy-${suffix()}.sock`);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}

test('the host page lists its containers, its counts open the filtered lists, and edit tests a new URL before saving', async ({
  page,
}) => {
  // Many steps, each screenshotted four times, on a shared two-core machine.
  test.setTimeout(240_000);
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const name = `e2e-hostpage-${suffix()}`;
  const id = await createContainer(page, hostId, { name, cmd: ['sleep', '3600'] });
  try {
    await test.step('the hosts table links the container counts to the host’s containers', async () => {
      await page.goto('/hosts');
      const row = page
        .getByRole('table', { name: 'Hosts' })
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: hostName, exact: true }) });
      await expect(row.getByText('live')).toBeVisible({ timeout: 20_000 });
      await screens(page, 'hosts-page-list');
      await row.getByTitle(new RegExp(`containers on ${hostName}$`)).click();
      await expect(page).toHaveURL(
        (url) => url.pathname === '/containers' && url.searchParams.get('host') === hostId,
      );
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
    });

    await test.step('the host page lists the container and links its images to the filtered list', async () => {
      await page.goto(`/hosts/${hostId}`);
      const panel = page.getByRole('region', { name: 'On this host' });
      await expect(panel.getByRole('link', { name, exact: true })).toBeVisible({ timeout: 20_000 });
      await screens(page, 'hosts-page-host');
      await panel.getByTitle(new RegExp(`images on ${hostName}$`)).click();
      await expect(page).toHaveURL(
        (url) => url.pathname === '/images' && url.searchParams.get('host') === hostId,
      );
      await expect(page.getByLabel('Host', { exact: true })).toHaveValue(hostId);
    });

    await test.step('edit tests a changed URL before saving, and Cancel keeps the host as it was', async () => {
      await page.goto(`/hosts/${hostId}`);
      await page.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit host' });
      const url = form.getByLabel('URL', { exact: true });
      await expect(url).toHaveValue(fleetValue('BERTH_FLEET_B_URL'));
      await url.fill('unix:///nonexistent/docker.sock');
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect(form.getByRole('status').filter({ hasText: 'Connection failed' })).toBeVisible();
      await expect(form.getByText('the socket does not exist')).toBeVisible();
      await url.fill(fleetValue('BERTH_FLEET_A_URL'));
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect(form.getByRole('status').filter({ hasText: 'Connection works' })).toBeVisible({
        timeout: 20_000,
      });
      await screens(page, 'hosts-page-edit');
      await form.getByRole('button', { name: 'Cancel' }).click();
      const saved = (await (await apiCall(page, 'GET', `/api/hosts/${hostId}`)).json()) as {
        url: string;
      };
      expect(saved.url).toBe(fleetValue('BERTH_FLEET_B_URL'));
    });

    await test.step('registering the same engine again names the host that has it and opens it', async () => {
      await page.goto('/hosts');
      await page.getByRole('button', { name: 'Add host' }).click();
      const adding = page.getByRole('region', { name: 'Add host' });
      await adding.getByLabel('Name', { exact: true }).fill(`e2e-again-${suffix()}`);
      await adding.getByLabel('URL', { exact: true }).fill(fleetValue('BERTH_FLEET_B_URL'));
      await adding.getByRole('button', { name: 'Save host' }).click();
      const note = adding.getByRole('alert').filter({ hasText: 'already registered' });
      await expect(note).toContainText(`This engine is already registered as host ${hostName}`);
      await expect(note.getByRole('button', { name: 'Register anyway' })).toBeVisible();
      await screens(page, 'hosts-page-same-engine');
      await note.getByRole('link', { name: `Open ${hostName}` }).click();
      await expect(page).toHaveURL((url) => url.pathname === `/hosts/${hostId}`);
    });
  } finally {
    await removeContainers(page, hostId, [id]);
  }
});

test('a down host’s container opens at once from its last-known record, and the dashboard and hosts page show the same counts', async ({
  page,
}) => {
  // Many steps, each screenshotted four times, on a shared two-core machine.
  test.setTimeout(240_000);
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const name = `e2e-fading-${suffix()}`;
  const containerName = `e2e-stale-${suffix()}`;
  const proxy = await engineProxy(fleetValue('BERTH_FLEET_B_URL'));
  const containerId = await createContainer(page, hostId, {
    name: containerName,
    cmd: ['sleep', '3600'],
  });
  const added = await apiCall(page, 'POST', '/api/hosts', {
    name,
    url: `unix://${proxy.path}`,
    allowSameEngine: true,
  });
  expect(added.status()).toBe(201);
  const fading = ((await added.json()) as { id: string }).id;
  try {
    // Listed while up, then the engine goes away.
    await page.goto(`/containers?host=${fading}`);
    await expect(page.getByRole('link', { name: containerName, exact: true })).toBeVisible({
      timeout: 20_000,
    });
    await proxy.close();
    await expect
      .poll(
        async () =>
          (
            (await (await apiCall(page, 'GET', `/api/hosts/${fading}`)).json()) as {
              status: string;
            }
          ).status,
        { timeout: 20_000 },
      )
      .toBe('down');

    await test.step('the container page shows the last-known record, marked stale, without waiting', async () => {
      await page.goto(`/containers/${fading}/${containerId}`);
      const stale = page.getByRole('status').filter({ hasText: 'this is what it last reported' });
      // Once the page has loaded, sooner than the engine's timeout (5 s) would end a wait for its
      // answer (the page's own load is left out: on a busy machine it alone can take seconds).
      await expect(stale).toBeVisible({ timeout: 5_000 });
      await expect(page.getByRole('heading', { name: containerName })).toBeVisible();
      await screens(page, 'hosts-page-stale-container');
    });

    await test.step('the dashboard and the hosts page give the down host the same counts', async () => {
      await page.goto('/');
      const dashboardRow = page
        .getByRole('table', { name: 'Hosts overview' })
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name, exact: true }) });
      await expect(dashboardRow.getByText(/as of/)).toBeVisible({ timeout: 20_000 });
      const onDashboard = await dashboardRow
        .getByTitle(/containers/)
        .first()
        .innerText();
      await page.goto('/hosts');
      const hostsRow = page
        .getByRole('table', { name: 'Hosts' })
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name, exact: true }) });
      await expect(hostsRow.getByText(/as of/)).toBeVisible({ timeout: 20_000 });
      const onHostsPage = await hostsRow
        .getByTitle(new RegExp(`containers on ${name}$`))
        .innerText();
      expect(onHostsPage).toBe(onDashboard);
      expect(onHostsPage).toMatch(/\d/);
    });
  } finally {
    await proxy.close().catch(() => undefined);
    await apiCall(page, 'DELETE', `/api/hosts/${fading}`);
    await removeContainers(page, hostId, [containerId]);
  }
});
