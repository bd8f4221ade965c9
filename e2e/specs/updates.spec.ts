import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { artifactPath, fleetValue } from '../support/fleet';
import { FleetDocker, storeFleetRegistry } from '../support/fleet-docker';
import { screens } from '../support/screens';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const RUN = randomBytes(4).toString('hex');
const registry = fleetValue('BERTH_FLEET_REGISTRY');
const reference = `${registry}/e2e-${RUN}/updates:stable`;
const label = `e2e.run=${RUN}`;
const name = `e2e-updates-${RUN}`;
const cli = new FleetDocker();
const docker = (host: string, args: string[], input?: string) => cli.run(host, args, input);

/** Builds an image of its own on host a, outside Berth, and pushes it under the tag. */
function pushVersion(seed: string): void {
  docker(
    'BERTH_FLEET_A_URL',
    ['build', '-q', '-t', reference, '-'],
    `FROM ${fleetValue('BERTH_FLEET_IMAGE')}\nRUN echo ${seed} > /seed\nLABEL ${label}\n`,
  );
  docker('BERTH_FLEET_A_URL', ['push', reference]);
}

test.beforeAll(() => {
  docker(
    'BERTH_FLEET_A_URL',
    ['login', '-u', fleetValue('BERTH_FLEET_REGISTRY_USER'), '--password-stdin', registry],
    fleetValue('BERTH_FLEET_REGISTRY_PASSWORD'),
  );
  pushVersion(`one-${RUN}`);
});

test.afterAll(() => cli.cleanUp(['BERTH_FLEET_A_URL', 'BERTH_FLEET_B_URL'], label));

test('a newer image under the tag shows as an update, and pull and recreate brings it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const hostId = hosts.find((host) => host.name === requiredEnv('BERTH_E2E_HOST_NAME'))?.id;
  if (!hostId) throw new Error('the e2e host is not registered');
  const registry = await storeFleetRegistry(page, `e2e-updates-${RUN}`);

  try {
    const pulled = await apiCall(page, 'POST', '/api/images/pull', {
      reference,
      hostIds: [hostId],
    });
    expect(pulled.status()).toBe(200);
    const first = docker('BERTH_FLEET_B_URL', [
      ...['run', '-d', '--name', name, '--label', label],
      ...[reference, 'sleep', '3600'],
    ]);
    pushVersion(`two-${RUN}`);
    const status = page.getByTestId('container-update');

    await test.step('the container page checks on demand and offers pull and recreate', async () => {
      await page.goto(`/containers/${hostId}/${first}`);
      // The engine is asked for the container first; a busy machine may take a while.
      await expect(page.getByRole('heading', { level: 1 })).toContainText(name, {
        timeout: 30_000,
      });
      await expect(status).toContainText('Not checked for image updates yet');
      await status.getByRole('button', { name: 'Check for update' }).click();
      await expect(status.getByTestId('update-available')).toBeVisible();
      await expect(status).toContainText('the tag names a different image now');
      await expect(status.getByRole('button', { name: 'Pull and recreate' })).toBeVisible();
      await page.screenshot({ path: artifactPath('updates-container.png'), fullPage: true });
    });

    await test.step('the containers and images lists show the badge', async () => {
      await page.goto(`/containers?q=${name}`);
      const row = page.getByRole('table', { name: 'Containers' }).getByRole('row', { name });
      // The list may take a while on a busy machine; the badge comes with the row.
      await expect(row).toBeVisible({ timeout: 30_000 });
      await expect(row.getByTestId('update-available')).toBeVisible();
      await screens(page, 'updates-containers', async () => {
        await expect(row.getByTestId('update-available')).toBeVisible();
      });
      await page.goto('/images');
      await page.getByLabel('Search images by tag, digest, id or label').fill(`e2e-${RUN}`);
      const image = page.getByTestId('image-table').getByRole('row', { name: reference });
      await expect(image).toBeVisible({ timeout: 30_000 });
      await expect(image.getByTestId('update-available')).toBeVisible();
    });

    await test.step('pull and recreate replaces it under the same name with the new image', async () => {
      await page.goto(`/containers/${hostId}/${first}`);
      await status.getByRole('button', { name: 'Pull and recreate' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText(reference);
      await dialog.getByRole('button', { name: 'Pull and recreate' }).click();
      // A pull, a new container and a check of it: a busy machine may take a while.
      await expect(page).not.toHaveURL(new RegExp(first), { timeout: 60_000 });
      await expect(status).toContainText('Image up to date');
      await expect(status.getByTestId('update-available')).toHaveCount(0);
      await expect(page.getByRole('heading', { name })).toBeVisible();
      const running = docker('BERTH_FLEET_B_URL', ['inspect', '-f', '{{.Image}}', name]);
      expect(running).toBe(
        docker('BERTH_FLEET_A_URL', ['image', 'inspect', '-f', '{{.Id}}', reference]),
      );
      await page.screenshot({ path: artifactPath('updates-recreated.png'), fullPage: true });
    });
  } finally {
    if (registry.stored) await apiCall(page, 'DELETE', `/api/registries/${registry.id}`);
  }
});
