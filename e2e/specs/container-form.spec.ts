import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const IMAGE = 'local/busybox:latest';

test('the create form names a bad field before sending, and the server’s refusal at its field', async ({
  page,
}) => {
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const name = `e2e-form-${randomBytes(4).toString('hex')}`;
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  await page.goto('/containers/new');
  const host = page.getByLabel('Host', { exact: true });
  const hostId = await host.locator('option', { hasText: hostName }).getAttribute('value');
  if (!hostId) throw new Error(`host ${hostName} is not offered`);
  // Another container already holds the name; only the server can know that.
  const taken = await apiCall(page, 'POST', `/api/hosts/${hostId}/containers`, {
    image: IMAGE,
    name,
    start: false,
  });
  expect(taken.status()).toBe(201);
  const { id: takenId } = (await taken.json()) as { id: string };
  try {
    let posts = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/containers')) posts += 1;
    });
    await host.selectOption(hostId);
    await page.getByLabel('Name (optional)').fill(name);
    await page.getByRole('textbox', { name: 'Image', exact: true }).fill(IMAGE);
    await page.getByLabel('Start the container once it is created').uncheck();
    await page.getByRole('button', { name: 'Add port' }).click();
    await page.getByLabel('Port 1 host port').fill('70000');
    await page.getByLabel('Port 1 container port').fill('80');
    await page.getByRole('button', { name: 'Create container' }).click();
    // The shared schema refuses the port at its field and nothing is sent.
    const hostPort = page.getByLabel('Port 1 host port');
    await expect(hostPort).toHaveAttribute('aria-invalid', 'true');
    await expect(hostPort).toBeFocused();
    expect(posts).toBe(0);

    await hostPort.fill('');
    await page.getByRole('button', { name: 'Create container' }).click();
    // The server's per-field answer lands on the name.
    const nameField = page.getByLabel('Name (optional)');
    await expect(nameField).toHaveAccessibleDescription(
      /already used by another container on this host/,
    );
    await expect(hostPort).not.toHaveAttribute('aria-invalid', 'true');
    expect(posts).toBe(1);
    await expect(page).toHaveURL((url) => url.pathname === '/containers/new');
  } finally {
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/containers/${takenId}?force=true`);
  }
});
