import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { fleetValue } from '../support/fleet';
import { adminUser, apiCall, removeRegistriesOf, requiredEnv, signIn } from '../support/session';

function artifactPath(name: string): string {
  return fileURLToPath(new URL(`../artifacts/${name}`, import.meta.url));
}

const RUN = randomBytes(4).toString('hex');
const registry = fleetValue('BERTH_FLEET_REGISTRY');
const reference = `${registry}/e2e-${RUN}/images:1.0`;
const label = `e2e.run=${RUN}`;
const config = mkdtempSync(join(tmpdir(), 'berth-e2e-docker-'));

function docker(host: string, args: string[], input?: string): string {
  return execFileSync('/usr/bin/docker', ['-H', fleetValue(host), ...args], {
    env: { ...process.env, DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' },
    ...(input === undefined ? {} : { input }),
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}

/**
 * An image with a 2 MB layer of its own, pushed to the password registry from host a outside
 * Berth; the dashboard then pulls it to the registered host (fleet b), which has none of it.
 */
test.beforeAll(() => {
  docker(
    'BERTH_FLEET_A_URL',
    ['build', '-q', '-t', reference, '-'],
    `FROM ${fleetValue('BERTH_FLEET_IMAGE')}\nRUN head -c 2000000 /dev/urandom > /blob\nLABEL ${label}\n`,
  );
  docker(
    'BERTH_FLEET_A_URL',
    ['login', '-u', fleetValue('BERTH_FLEET_REGISTRY_USER'), '--password-stdin', registry],
    fleetValue('BERTH_FLEET_REGISTRY_PASSWORD'),
  );
  docker('BERTH_FLEET_A_URL', ['push', reference]);
  docker('BERTH_FLEET_A_URL', ['rmi', reference]);
});

/** The password registry stored in Berth under `name`, with its login; answers its id. */
async function storeRegistry(page: Page, name: string): Promise<string> {
  const stored = await apiCall(page, 'POST', '/api/registries', {
    name,
    serverAddress: registry,
    username: fleetValue('BERTH_FLEET_REGISTRY_USER'),
    password: fleetValue('BERTH_FLEET_REGISTRY_PASSWORD'),
  });
  expect(stored.status()).toBe(201);
  return ((await stored.json()) as { id: string }).id;
}

test.afterAll(async ({ playwright }) => {
  rmSync(config, { recursive: true, force: true });
  for (const host of ['BERTH_FLEET_A_URL', 'BERTH_FLEET_B_URL']) {
    try {
      const ids = docker(host, ['images', '-q', '--filter', `label=${label}`]).split('\n');
      const mine = [...new Set(ids.filter(Boolean))];
      if (mine.length > 0) docker(host, ['rmi', '-f', ...mine]);
    } catch {
      // Already gone.
    }
  }
  await removeRegistriesOf(playwright, RUN);
});

test('an image is pulled from the dashboard with a progress bar, its layers shown and removed', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  await signIn(page, adminUser, password);
  const registryId = await storeRegistry(page, `e2e-images-${RUN}`);

  try {
    await test.step('pull it to the host with the Pull dialog', async () => {
      await page.goto('/images');
      await expect(page.getByRole('heading', { name: 'Images', exact: true })).toBeVisible();
      await page.getByRole('button', { name: 'Pull image' }).click();
      const dialog = page.getByRole('dialog', { name: 'Pull an image' });
      await dialog.getByLabel('Image reference').fill('Not A Reference');
      await dialog.getByRole('checkbox', { name: hostName }).check();
      await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
      await expect(dialog.getByLabel('Image reference')).toHaveAttribute('aria-invalid', 'true');

      await dialog.getByLabel('Image reference').fill(reference);
      await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
      const bar = dialog.getByRole('progressbar', { name: `Pulling ${reference}` });
      await expect(bar).toBeVisible();
      await expect(dialog.getByText(`${hostName}: pulled`)).toBeVisible({ timeout: 60_000 });
      await expect(bar).toHaveAttribute('aria-valuenow', '100');
      await expect(dialog.getByText(`Pulled ${reference}`)).toBeVisible();
      await page.screenshot({ path: artifactPath('images-pull.png') });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    await test.step('find it in the list and read its layers', async () => {
      await page.getByRole('searchbox', { name: /Search images/ }).fill(`e2e-${RUN}`);
      const table = page.getByTestId('image-table');
      const row = table.getByRole('row', { name: new RegExp(`e2e-${RUN}/images:1.0`) });
      await expect(row).toBeVisible();
      await expect(row).toContainText(hostName);
      await expect(row).toContainText('unused');
      await row.click();
      const layers = page.getByRole('table', { name: 'Layers' });
      await expect(layers.getByText('RUN head -c 2000000 /dev/urandom > /blob')).toBeVisible();
      await expect(layers.getByText(`LABEL ${label}`)).toBeVisible();
      await expect(layers.locator('tr[data-empty]').first()).toContainText('empty');
      await page.screenshot({ path: artifactPath('images-detail.png'), fullPage: true });
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Save' }).click();
      expect((await download).suggestedFilename()).toMatch(/^sha256_[0-9a-f]{64}\.tar$/);
    });

    await test.step('remove it, confirmed first', async () => {
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      const confirm = page.getByRole('dialog', { name: `Remove ${reference}?` });
      await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
      await expect(confirm).toBeHidden();
      await expect(page.getByText('No image matches')).toBeVisible({ timeout: 10_000 });
    });
  } finally {
    await apiCall(page, 'DELETE', `/api/registries/${registryId}`);
  }
});

test('an image is built from uploaded files with its log live, then pushed with a progress bar', async ({
  page,
}) => {
  // A build commits a layer per step: slow on an engine that other runs keep busy.
  test.setTimeout(300_000);
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const built = `e2e-${RUN}/built:1`;
  const pushed = `${registry}/${built}`;
  await signIn(page, adminUser, password);
  const registryId = await storeRegistry(page, `e2e-build-${RUN}`);

  try {
    await test.step('build it from uploaded files, the log shown while it runs', async () => {
      await page.goto('/images');
      await page.getByRole('button', { name: 'Build…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Build an image' });
      await dialog.getByLabel('Host').selectOption({ label: hostName });
      // The run's id in the slow step keeps the engine from taking it from its build cache, where
      // it would be done before its line is on screen.
      await dialog.getByLabel('Files').setInputFiles([
        {
          name: 'Dockerfile',
          mimeType: 'text/plain',
          buffer: Buffer.from(
            `FROM ${fleetValue('BERTH_FLEET_IMAGE')}\nCOPY hello.txt /hello.txt\nRUN sleep 3 && echo built-in-${RUN}\nLABEL ${label}\n`,
          ),
        },
        { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\n') },
      ]);
      // No tag yet: the field says so and nothing is sent.
      await dialog.getByRole('button', { name: 'Build', exact: true }).click();
      await expect(dialog.getByLabel('Tags')).toHaveAttribute('aria-invalid', 'true');

      await dialog.getByLabel('Tags').fill(built);
      await dialog.getByRole('button', { name: 'Build', exact: true }).click();
      const log = dialog.getByLabel('Build log');
      // While the RUN step sleeps, its line is already on screen.
      await expect(log).toContainText(`Step 3/4 : RUN sleep 3 && echo built-in-${RUN}`);
      await expect(dialog.getByText('Building…')).toBeVisible();
      await expect(dialog.getByRole('status')).toHaveText(`Built ${built}.`, { timeout: 180_000 });
      await expect(log).toContainText(`built-in-${RUN}`);
      await expect(dialog.getByText('Built', { exact: true })).toBeVisible();
      await page.screenshot({ path: artifactPath('images-build.png') });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    await test.step('push it to the stored registry with a progress bar', async () => {
      await page.getByRole('searchbox', { name: /Search images/ }).fill(`e2e-${RUN}/built`);
      const row = page
        .getByTestId('image-table')
        .getByRole('row', { name: new RegExp(`e2e-${RUN}/built:1`) });
      await expect(row).toBeVisible({ timeout: 10_000 });
      await row.click();
      await page.getByRole('button', { name: 'Push', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Push the image' });
      await expect(dialog.getByLabel('Push as')).toHaveValue(built);
      await dialog.getByLabel('Registry').selectOption({ label: `e2e-build-${RUN} (${registry})` });
      await expect(dialog.getByLabel('Push as')).toHaveValue(pushed);
      await dialog.getByRole('button', { name: 'Push', exact: true }).click();
      const bar = dialog.getByRole('progressbar', { name: `Pushing ${pushed}` });
      await expect(bar).toBeVisible();
      await expect(dialog.getByRole('status')).toContainText(`Pushed ${pushed}`, {
        timeout: 120_000,
      });
      await expect(bar).toHaveAttribute('aria-valuenow', '100');
      await page.screenshot({ path: artifactPath('images-push.png') });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });
  } finally {
    await apiCall(page, 'DELETE', `/api/registries/${registryId}`);
  }
});
