import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { fleetValue } from '../support/fleet';
import { adminUser, apiCall, removeRegistriesOf, requiredEnv, signIn } from '../support/session';

/** Screenshots go to e2e/artifacts/, where CI collects them. */
function artifactPath(name: string): string {
  return fileURLToPath(new URL(`../artifacts/${name}`, import.meta.url));
}

const RUN = randomBytes(4).toString('hex');
const REGISTRY = fleetValue('BERTH_FLEET_REGISTRY');
const REFERENCE = `${REGISTRY}/berth-test/volume-plugin:2.0`;
const ALIAS = `e2e-vol-${RUN}`;
const HOST = 'fleet-b';

function pluginsOnB(): string {
  return execFileSync('/usr/bin/docker', ['-H', fleetValue('BERTH_FLEET_B_URL'), 'plugin', 'ls'], {
    encoding: 'utf8',
  });
}

test.beforeAll(() => {
  // The project's test volume plugin in the fleet's password registry (idempotent).
  execFileSync(
    'bash',
    [fileURLToPath(new URL('../../scripts/test-plugin/publish.sh', import.meta.url))],
    {
      stdio: 'ignore',
      timeout: 120_000,
    },
  );
});

test.afterAll(async ({ playwright }) => {
  try {
    execFileSync(
      '/usr/bin/docker',
      ['-H', fleetValue('BERTH_FLEET_B_URL'), 'plugin', 'rm', '-f', ALIAS],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    // Removed through Berth already.
  }
  await removeRegistriesOf(playwright, RUN);
});

test('an admin installs the test volume plugin after accepting its privileges, disables and removes it', async ({
  page,
}) => {
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const stored = await apiCall(page, 'POST', '/api/registries', {
    name: `e2e-fleet-${RUN}`,
    serverAddress: REGISTRY,
    username: fleetValue('BERTH_FLEET_REGISTRY_USER'),
    password: fleetValue('BERTH_FLEET_REGISTRY_PASSWORD'),
  });
  expect(stored.status()).toBe(201);

  await page.goto('/plugins');
  await page.getByLabel('Host').selectOption({ label: HOST });
  await page.getByRole('button', { name: 'Install plugin' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install a plugin' });

  await test.step('the privileges are shown before anything is installed', async () => {
    await dialog.getByLabel('Plugin reference').fill(REFERENCE);
    await dialog.getByLabel('Local name (optional)').fill(ALIAS);
    await dialog.getByRole('button', { name: 'Review privileges' }).click();
    const privileges = dialog.getByRole('list', { name: 'Privileges' });
    await expect(privileges).toContainText('network');
    await expect(privileges).toContainText('host');
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('accept the privileges');
    expect(pluginsOnB()).not.toContain(ALIAS);
    await page.screenshot({ path: artifactPath('plugin-privileges.png'), fullPage: true });
  });

  await test.step('accepted, it installs and shows enabled in the list', async () => {
    await dialog.getByRole('checkbox', { name: 'I accept these privileges' }).check();
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog).toBeHidden({ timeout: 60_000 });
    const row = page.getByTestId('plugins-table').getByRole('row').filter({ hasText: ALIAS });
    await expect(row).toContainText('enabled');
    await expect(row).toContainText('volumedriver');
    expect(pluginsOnB()).toContain(ALIAS);
    await page.screenshot({ path: artifactPath('plugins.png'), fullPage: true });
  });

  await test.step('disabled, then removed', async () => {
    const row = page.getByTestId('plugins-table').getByRole('row').filter({ hasText: ALIAS });
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect(row).toContainText('disabled');
    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove plugin' }).click();
    await expect(page.getByTestId('plugins-table').getByText(ALIAS)).toBeHidden();
    expect(pluginsOnB()).not.toContain(ALIAS);
  });
});

test('the host page shows storage and what a prune would remove, before pruning', async ({
  page,
}) => {
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  await page.goto('/hosts');
  await page.getByRole('link', { name: HOST }).first().click();
  const storage = page.getByRole('region', { name: 'Storage' });
  await expect(storage.getByText('Storage driver')).toBeVisible();
  await expect(storage.getByText('overlay2')).toBeVisible();
  await expect(storage.getByRole('table', { name: 'Disk usage' })).toContainText('Build cache');
  await storage.getByRole('button', { name: 'Prune…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Prune this host' });
  await expect(dialog.getByText(/would be freed|Nothing would be removed/)).toBeVisible();
  await page.screenshot({ path: artifactPath('host-storage-prune.png'), fullPage: true });
  // The fleet is shared: the dialog is closed without pruning.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});
