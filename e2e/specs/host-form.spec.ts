import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { adminUser, requiredEnv, signIn } from '../support/session';

/** A value of the test fleet's settings file (fleet host c: an engine on TCP with client TLS). */
function fleetValue(key: string): string {
  const file = process.env.BERTH_FLEET_ENV ?? '/tmp/berth-fleet/fleet.env';
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`${file} has no ${key}`);
  return line.slice(key.length + 1);
}

async function expectFieldError(field: Locator, message: string | RegExp): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(message);
}

test('an admin adds a TLS host through the form, fixing a bad key and a taken name, then edits it keeping its certificates', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const takenName = requiredEnv('BERTH_E2E_HOST_NAME');
  const name = `e2e-hostform-${randomBytes(4).toString('hex')}`;
  const renamed = `${name}-tls`;
  const url = fleetValue('BERTH_FLEET_C_URL');

  await signIn(page, adminUser, password);
  await page.goto('/hosts');
  await page.getByRole('button', { name: 'Add host' }).click();
  const adding = page.getByRole('region', { name: 'Add host' });

  await test.step('a key that is not PEM is refused at its field before anything is sent', async () => {
    await adding.getByLabel('Name', { exact: true }).fill(takenName);
    await adding.getByLabel('URL', { exact: true }).fill(url);
    // tcp:// asks for client certificates, TLS on by default.
    await expect(
      adding.getByRole('checkbox', { name: 'Use TLS client certificates' }),
    ).toBeChecked();
    await adding
      .getByLabel('CA certificate (optional)', { exact: true })
      .fill(readFileSync(fleetValue('BERTH_FLEET_C_CA'), 'utf8'));
    await adding
      .getByLabel('Client certificate', { exact: true })
      .fill(readFileSync(fleetValue('BERTH_FLEET_C_CERT'), 'utf8'));
    const key = adding.getByLabel('Client key', { exact: true });
    await key.fill('not a key');
    await adding.getByRole('button', { name: 'Save host' }).click();
    await expectFieldError(key, 'must be a PEM private key');
    await expect(key).toBeFocused();
    await key.fill(readFileSync(fleetValue('BERTH_FLEET_C_KEY'), 'utf8'));
  });

  await test.step('the connection test reaches the engine with the certificates', async () => {
    await adding.getByRole('button', { name: 'Test connection' }).click();
    await expect(adding.getByRole('status').filter({ hasText: 'Connection works' })).toBeVisible({
      timeout: 30_000,
    });
  });

  await test.step('a taken name comes back from the API onto the Name field', async () => {
    await adding.getByRole('button', { name: 'Save host' }).click();
    const nameField = adding.getByLabel('Name', { exact: true });
    await expectFieldError(nameField, 'already taken');
    await nameField.fill(name);
    await adding.getByRole('button', { name: 'Save host' }).click();
    await expect(adding).toBeHidden();
    const row = page
      .getByRole('table', { name: 'Hosts' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row.getByText('up', { exact: true })).toBeVisible({ timeout: 45_000 });
    await row.getByRole('link', { name, exact: true }).click();
  });

  await test.step('an edit with a bad name is refused, a good one keeps the stored certificates', async () => {
    await expect(page.getByRole('heading', { name })).toBeVisible();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editing = page.getByRole('region', { name: 'Edit host' });
    // Secrets are write-only: the form never shows the stored ones.
    await expect(editing.getByLabel('New client certificate', { exact: true })).toHaveValue('');
    await expect(editing.getByLabel('New client key', { exact: true })).toHaveValue('');
    const nameField = editing.getByLabel('Name', { exact: true });
    await nameField.fill('-no-leading-dash');
    await editing.getByLabel('Tags', { exact: true }).fill('e2e, tls');
    await editing.getByRole('button', { name: 'Save changes' }).click();
    await expectFieldError(nameField, 'letters, digits, space, dot, dash and underscore');
    await nameField.fill(renamed);
    await editing.getByRole('button', { name: 'Save changes' }).click();
    await expect(editing).toBeHidden();
    await expect(page.getByRole('heading', { name: renamed })).toBeVisible();

    const connection = page.getByRole('region', { name: 'Connection' });
    await expect(connection).toContainText('tls');
    await expect(connection).toContainText('stored (never shown)');
    await expect(connection).toContainText('e2e');
    // The check connects with the certificates stored when the host was added.
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection works' })).toBeVisible({
      timeout: 30_000,
    });
  });

  await test.step('remove the host again', async () => {
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('button', { name: 'Remove host' }).click();
    await expect(page).toHaveURL((current) => current.pathname === '/hosts');
    await expect(page.getByRole('link', { name: renamed, exact: true })).toHaveCount(0);
  });
});
