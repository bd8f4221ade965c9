import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { fleetValue } from '../support/fleet';
import { adminUser, requiredEnv, signIn } from '../support/session';

/**
 * Saving tests the connection first: a TLS handshake, or an SSH one after decrypting the key with
 * its passphrase, both slow on two busy cores.
 */
const SAVED = { timeout: 60_000 };

const uniqueName = () => `e2e-hostform-${randomBytes(4).toString('hex')}`;

async function openAddHostForm(page: Page): Promise<Locator> {
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  await page.goto('/hosts');
  await page.getByRole('button', { name: 'Add host' }).click();
  return page.getByRole('region', { name: 'Add host' });
}

/** Waits for the new host's row to show it up (its first check may still run), then opens it. */
async function openWhenUp(page: Page, name: string): Promise<void> {
  const row = page
    .getByRole('table', { name: 'Hosts' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row.getByText('up', { exact: true })).toBeVisible({ timeout: 45_000 });
  await row.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

/** A check of the saved host connects with the credentials it has stored. */
async function expectCheckWorks(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Connection works' })).toBeVisible({
    timeout: 30_000,
  });
}

async function removeOpenHost(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('button', { name: 'Remove host' }).click();
  await expect(page).toHaveURL((current) => current.pathname === '/hosts');
  await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
}

async function expectFieldError(field: Locator, message: string | RegExp): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(message);
}

test('an admin adds a TLS host through the form, fixing a bad key and a taken name, then edits it keeping its certificates', async ({
  page,
}) => {
  const takenName = requiredEnv('BERTH_E2E_HOST_NAME');
  const name = uniqueName();
  const renamed = `${name}-tls`;
  const url = fleetValue('BERTH_FLEET_C_URL');
  const adding = await openAddHostForm(page);

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
    await expect(adding).toBeHidden(SAVED);
    await openWhenUp(page, name);
  });

  await test.step('an edit with a bad name is refused, a good one keeps the stored certificates', async () => {
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
    await expect(editing).toBeHidden(SAVED);
    await expect(page.getByRole('heading', { name: renamed })).toBeVisible();

    const connection = page.getByRole('region', { name: 'Connection' });
    await expect(connection).toContainText('tls');
    await expect(connection).toContainText('stored (never shown)');
    await expect(connection).toContainText('e2e');
    // The check connects with the certificates stored when the host was added.
    await expectCheckWorks(page);
  });

  await test.step('remove the host again', () => removeOpenHost(page, renamed));
});

test('an admin adds an SSH host with a passphrase and pins its host key, fixing a malformed key first', async ({
  page,
}) => {
  const name = uniqueName();
  const fingerprint = fleetValue('BERTH_FLEET_D_HOST_KEY_FINGERPRINT');
  const adding = await openAddHostForm(page);

  await test.step('a malformed host key is refused at its field', async () => {
    await adding.getByLabel('Name', { exact: true }).fill(name);
    await adding.getByLabel('URL', { exact: true }).fill(fleetValue('BERTH_FLEET_D_URL'));
    await adding
      .getByLabel('Private key', { exact: true })
      .fill(readFileSync(fleetValue('BERTH_FLEET_D_KEY_PASS'), 'utf8'));
    await adding
      .getByLabel('Passphrase (optional)', { exact: true })
      .fill(fleetValue('BERTH_FLEET_D_PASSPHRASE'));
    const hostKey = adding.getByLabel('Host key (optional)', { exact: true });
    await hostKey.fill('SHA256:too-short');
    await adding.getByRole('button', { name: 'Save host' }).click();
    await expectFieldError(hostKey, /must be a SHA256:… fingerprint/);
    await hostKey.fill(fingerprint);
    await adding.getByRole('button', { name: 'Save host' }).click();
    await expect(adding).toBeHidden(SAVED);
    await openWhenUp(page, name);
  });

  await test.step('an edit that types no new key keeps the stored one and the pin', async () => {
    const connection = page.getByRole('region', { name: 'Connection' });
    await expect(connection).toContainText(fingerprint);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editing = page.getByRole('region', { name: 'Edit host' });
    await expect(editing.getByLabel('New private key', { exact: true })).toHaveValue('');
    await editing.getByLabel('Group (optional)', { exact: true }).fill('e2e-ssh');
    await editing.getByRole('button', { name: 'Save changes' }).click();
    await expect(editing).toBeHidden(SAVED);
    await expect(connection).toContainText('e2e-ssh');
    await expect(connection).toContainText(fingerprint);
    await expectCheckWorks(page);
  });

  await test.step('remove the host again', () => removeOpenHost(page, name));
});
