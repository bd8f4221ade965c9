import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fleetValue } from '../support/fleet';
import { adminUser, requiredEnv, signIn } from '../support/session';

const RUN = randomBytes(4).toString('hex');
const address = fleetValue('BERTH_FLEET_TOKEN_REGISTRY');
const repository = `e2e-${RUN}/busybox`;
const reference = `${address}/${repository}:1.0`;

/** The fleet image pushed to the token registry with the docker CLI on host a, outside Berth. */
function docker(args: string[], input?: string): void {
  execFileSync('/usr/bin/docker', ['-H', fleetValue('BERTH_FLEET_A_URL'), ...args], {
    env: { ...process.env, DOCKER_CONFIG: config },
    ...(input === undefined ? {} : { input }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}
const config = mkdtempSync(join(tmpdir(), 'berth-e2e-docker-'));

test.beforeAll(() => {
  docker(
    ['login', '-u', fleetValue('BERTH_FLEET_TOKEN_REGISTRY_USER'), '--password-stdin', address],
    fleetValue('BERTH_FLEET_TOKEN_REGISTRY_PASSWORD'),
  );
  docker(['tag', fleetValue('BERTH_FLEET_IMAGE'), reference]);
  docker(['push', reference]);
  docker(['rmi', reference]);
});

test.afterAll(() => {
  rmSync(config, { recursive: true, force: true });
  // The pulled copy on the registered host (fleet b).
  try {
    execFileSync('/usr/bin/docker', ['-H', fleetValue('BERTH_FLEET_B_URL'), 'rmi', reference], {
      stdio: 'ignore',
    });
  } catch {
    // Not pulled: the test failed before.
  }
});

test('an admin adds the token-auth registry, tests it, browses to a tag and pulls it to a host', async ({
  page,
}) => {
  const name = `e2e-token-${RUN}`;
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  await page.goto('/registries');
  await page.getByRole('button', { name: 'Add registry' }).click();
  const adding = page.getByRole('region', { name: 'Add registry' });

  await test.step('the kind picker shows only that kind’s fields', async () => {
    await adding.getByLabel('Kind').selectOption('ecr');
    await expect(adding.getByLabel('AWS region')).toBeVisible();
    await expect(adding.getByLabel('Address')).toHaveValue('');
    await adding.getByLabel('Kind').selectOption('ghcr');
    await expect(adding.getByLabel('Address')).toHaveValue('ghcr.io');
    await expect(adding.getByLabel('AWS region')).toBeHidden();
    await expect(adding.getByRole('checkbox', { name: 'Insecure' })).toBeHidden();
    await adding.getByLabel('Kind').selectOption('v2');
    await expect(adding.getByRole('checkbox', { name: 'Insecure' })).toBeVisible();
  });

  await test.step('a wrong password is tested and the registry’s reason shown', async () => {
    await adding.getByLabel('Name', { exact: true }).fill(name);
    await adding.getByLabel('Address').fill(address);
    await adding.getByLabel('Username').fill(fleetValue('BERTH_FLEET_TOKEN_REGISTRY_USER'));
    await adding.getByLabel('Password or token').fill('not-the-password');
    await adding.getByRole('checkbox', { name: 'Insecure' }).check();
    await adding.getByRole('button', { name: 'Test connection' }).click();
    await expect(adding.getByRole('status')).toContainText('incorrect username or password');
  });

  await test.step('the right one connects, and the registry is saved', async () => {
    await adding
      .getByLabel('Password or token')
      .fill(fleetValue('BERTH_FLEET_TOKEN_REGISTRY_PASSWORD'));
    await adding.getByRole('button', { name: 'Test connection' }).click();
    await expect(adding.getByRole('status')).toContainText('Connected');
    await adding.getByRole('button', { name: 'Save registry' }).click();
    await expect(adding).toBeHidden();
    await expect(page.getByRole('table', { name: 'Registries' })).toContainText(name);
  });

  await test.step('browse: repository, tag, manifest', async () => {
    await page.getByRole('button', { name: `Browse ${name}` }).click();
    const browser = page.getByRole('region', { name: `Browse ${name}` });
    // Earlier runs leave repositories in the registry: the list is filtered to this run's.
    await browser.getByRole('searchbox', { name: 'Filter repositories' }).fill(RUN);
    await browser.getByRole('button', { name: repository, exact: true }).click();
    await browser.getByRole('button', { name: '1.0', exact: true }).click();
    const manifest = browser.getByTestId('registry-manifest');
    await expect(manifest).toContainText(reference);
    await expect(manifest).toContainText(/sha256:[0-9a-f]{64}/);
  });

  await test.step('pull the tag to the registered host', async () => {
    const browser = page.getByRole('region', { name: `Browse ${name}` });
    await browser.getByRole('button', { name: 'Pull to hosts…' }).click();
    await browser.getByRole('checkbox', { name: requiredEnv('BERTH_E2E_HOST_NAME') }).check();
    await browser.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect(browser.getByRole('status')).toContainText(
      `${requiredEnv('BERTH_E2E_HOST_NAME')}: pulled`,
      { timeout: 60_000 },
    );
  });

  await test.step('deploy the tag as a container: the create form starts with its reference', async () => {
    const browser = page.getByRole('region', { name: `Browse ${name}` });
    await browser.getByRole('link', { name: 'Deploy as a container…' }).click();
    await expect(page).toHaveURL(/\/containers\/new\?image=/);
    await expect(page.getByRole('textbox', { name: 'Image', exact: true })).toHaveValue(reference);
    await page.goto('/registries');
  });

  await test.step('edit keeps the stored password: the saved registry tests, a rename saves', async () => {
    await page.getByRole('button', { name: `Edit ${name}` }).click();
    const editing = page.getByRole('region', { name: `Edit ${name}` });
    await expect(editing.getByLabel('Password or token')).toHaveValue('');
    await editing.getByRole('button', { name: 'Test connection' }).click();
    await expect(editing.getByRole('status')).toContainText('Connected');
    await editing.getByLabel('Name', { exact: true }).fill(`${name}-renamed`);
    await editing.getByRole('button', { name: 'Save registry' }).click();
    await expect(editing).toBeHidden();
    await expect(page.getByRole('table', { name: 'Registries' })).toContainText(`${name}-renamed`);
  });

  await test.step('remove asks first, then the registry is gone', async () => {
    await page.getByRole('button', { name: `Remove ${name}-renamed` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${name}-renamed?` });
    await dialog.getByRole('button', { name: 'Remove registry' }).click();
    await expect(dialog).toBeHidden();
    // Other specs may keep registries of their own on the shared server: only this one must go.
    await expect(page.getByRole('button', { name: `Remove ${name}-renamed` })).toHaveCount(0);
    await expect(page.getByText(`${name}-renamed`)).toHaveCount(0);
  });
});
