import { expect, test } from '@playwright/test';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';
import { screens } from '../support/screens';

/*
 * Status text ticks in the browser: a container started just now reads "Up Less than a second"
 * or "Up N seconds" and, without a reload or any engine event, moves on with the clock.
 */
test('a container status moves on with the clock without a reload', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const hostId = hosts.find((h) => h.name === requiredEnv('BERTH_E2E_HOST_NAME'))?.id ?? '';
  const name = `e2e-ticks-${Date.now().toString(36)}`;
  const docker = `/api/hosts/${hostId}/docker`;
  const created = await apiCall(page, 'POST', `${docker}/containers/create?name=${name}`, {
    Image: 'local/busybox:latest',
    Cmd: ['sleep', '600'],
    Labels: { 'e2e.spec': 'relative-times' },
  });
  expect(created.status()).toBe(201);
  const { Id } = (await created.json()) as { Id: string };
  try {
    expect((await apiCall(page, 'POST', `${docker}/containers/${Id}/start`)).status()).toBe(204);
    await page.goto(`/containers?q=${name}`);
    const row = page.getByRole('row', { name: new RegExp(name) });
    const status = row.getByTestId('container-status');
    await expect(status).toHaveText(/^Up (Less than a second|\d seconds?)$/);
    // The shared clock ticks every 15 s; nothing else changes the text here.
    await expect(status).toHaveText(/^Up (1[5-9]|[2-5]\d) seconds$/, { timeout: 40_000 });
    await screens(page, 'relative-times', async (p) => {
      await expect(p.getByRole('row', { name: new RegExp(name) })).toBeVisible();
    });
  } finally {
    await apiCall(page, 'DELETE', `${docker}/containers/${Id}?force=true`);
  }
});
