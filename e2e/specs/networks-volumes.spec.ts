import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { artifactPath, fleetValue } from '../support/fleet';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const IMAGE = fleetValue('BERTH_FLEET_IMAGE');

/** Host b's engine runs in this network namespace (scripts/fleet/fleet.sh). */
const NAMESPACE = '/var/run/netns/berth-b';

function inHostB(...args: string[]): void {
  execFileSync('nsenter', [`--net=${NAMESPACE}`, ...args]);
}

/** The id of the fleet host the e2e server registered, by its name in a form's host picker. */
async function pickHost(page: Page, form: string, hostName: string): Promise<string> {
  const host = page.getByRole('form', { name: form }).getByLabel('Host', { exact: true });
  const option = host.locator('option', { hasText: hostName });
  await expect(option).toHaveCount(1);
  const hostId = (await option.getAttribute('value')) ?? '';
  await host.selectOption(hostId);
  return hostId;
}

/** Host b's engine, straight (not through Berth), for changes the pages must pick up by themselves. */
function dockerOnB(...args: string[]): void {
  execFileSync('docker', ['-H', fleetValue('BERTH_FLEET_B_URL'), ...args], { stdio: 'pipe' });
}

test('a macvlan network and a tmpfs volume are made from their forms, both attached to a new container from its form; the volume is browsed and a file downloaded', async ({
  page,
}) => {
  // Three forms, a container and a volume browse: longer than the default on a busy 2-core machine.
  test.setTimeout(240_000);
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const run = `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const network = `e2e-mv-${run}`;
  const volume = `e2e-vol-${run}`;
  const container = `e2e-nv-${run}`;
  const outside = `e2e-mv-${run}-cli`;
  // A subnet of this run's own: a network left by an earlier run must not overlap it.
  const octet = 32 + Math.floor(Math.random() * 200);
  const subnet = `10.77.${octet}.0/24`;
  const outsideGateway = `10.77.${octet + 1}.1`;
  // This kernel has no dummy links: a veth pair in host b's namespace is the macvlan parent.
  const parent = `ev${run}`.slice(0, 12);
  let hostId = '';
  inHostB('ip', 'link', 'add', parent, 'type', 'veth', 'peer', 'name', `${parent}p`);
  inHostB('ip', 'link', 'set', parent, 'up');
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, password);

  try {
    await test.step('create a macvlan network: the parent is asked for, then it is made', async () => {
      await page.goto('/networks');
      await expect(page.getByRole('heading', { name: 'Networks' })).toBeVisible();
      await page.getByRole('button', { name: 'New network' }).click();
      const form = page.getByRole('form', { name: 'New network' });
      hostId = await pickHost(page, 'New network', hostName);
      await form.getByLabel('Name', { exact: true }).fill(network);
      await expect(form.getByLabel('Parent interface')).toHaveCount(0);
      await form.getByLabel('Driver', { exact: true }).selectOption('macvlan');
      await form.getByLabel('Subnet').fill(subnet);
      await form.getByLabel('Gateway').fill(outsideGateway);
      await form.getByRole('button', { name: 'Create network' }).click();
      await expect(form.getByText('a macvlan network needs a parent interface')).toBeVisible();
      await expect(
        form.getByText(`the gateway ${outsideGateway} is outside the subnet`),
      ).toBeVisible();
      await form.getByLabel('Parent interface').fill(parent);
      await form.getByLabel('Mode').selectOption('bridge');
      await form.getByLabel('Gateway').fill(`10.77.${octet}.1`);
      await page.screenshot({ path: artifactPath('network-create.png'), fullPage: true });
      await form.getByRole('button', { name: 'Create network' }).click();
      await expect(page.getByRole('heading', { name: network })).toBeVisible();
      await expect(page.getByText('macvlan network')).toBeVisible();
      await expect(page.getByRole('cell', { name: subnet })).toBeVisible();
      await expect(page.getByRole('cell', { name: parent, exact: true })).toBeVisible();
      await page.screenshot({ path: artifactPath('network-detail.png'), fullPage: true });
    });

    await test.step('the network is in the fleet list, which shows a network made outside Berth without a reload', async () => {
      await page.goto('/networks');
      await page.getByLabel('Search').fill(network);
      await expect(page.getByRole('link', { name: network, exact: true })).toBeVisible();
      await expect(page.getByText('Updates: Live')).toBeVisible();
      const listed = page.waitForRequest((r) => r.url().includes('/api/networks?'));
      dockerOnB('network', 'create', '--label', 'e2e.spec=networks-volumes', outside);
      // Pushed by the engine's event, not polled: the page asks again within a few seconds.
      await listed;
      await expect(page.getByRole('link', { name: outside })).toBeVisible({ timeout: 5_000 });
      await page.screenshot({ path: artifactPath('networks-list.png'), fullPage: true });
      dockerOnB('network', 'rm', outside);
      await expect(page.getByRole('link', { name: outside })).toHaveCount(0, { timeout: 5_000 });
    });

    await test.step('create a volume with driver options (tmpfs with a size)', async () => {
      await page.goto('/volumes');
      await page.getByRole('button', { name: 'New volume' }).click();
      const form = page.getByRole('form', { name: 'New volume' });
      await pickHost(page, 'New volume', hostName);
      await form.getByLabel('Name', { exact: true }).fill(volume);
      await form.getByLabel('Type').selectOption('nfs');
      await form.getByLabel('Device').fill(':/export');
      await form.getByLabel('Mount options (o)').fill('rw');
      await form.getByRole('button', { name: 'Create volume' }).click();
      await expect(form.getByText("a nfs volume needs the server's address in o")).toBeVisible();
      await page.screenshot({ path: artifactPath('volume-create.png'), fullPage: true });
      await form.getByLabel('Type').selectOption('tmpfs');
      await form.getByLabel('Device').fill('tmpfs');
      await form.getByLabel('Mount options (o)').fill('size=16m');
      await form.getByRole('button', { name: 'Create volume' }).click();
      await expect(page.getByRole('heading', { name: volume })).toBeVisible();
      await expect(page.getByRole('cell', { name: 'size=16m' })).toBeVisible();
    });

    await test.step('a new container gets both from its create form', async () => {
      await page.goto('/containers/new');
      await page.getByLabel('Host', { exact: true }).selectOption(hostId);
      await page.getByLabel('Name (optional)').fill(container);
      await page.getByRole('textbox', { name: 'Image', exact: true }).fill(IMAGE);
      await page
        .getByLabel('Command', { exact: true })
        .fill(
          `sh -c 'mkdir -p /data/docs && echo hello from ${run} > /data/docs/hello.txt && echo top > /data/top.txt && sleep 600'`,
        );
      await page.getByRole('button', { name: 'Add volume or bind' }).click();
      // The host's volumes and networks are offered by name.
      const volumeField = page.getByLabel('Mount 1 source');
      const volumeChoices = await volumeField.getAttribute('list');
      await expect(
        page.locator(`datalist[id="${volumeChoices}"] option[value="${volume}"]`),
      ).toHaveCount(1);
      await volumeField.fill(volume);
      await page.getByLabel('Mount 1 target').fill('/data');
      await page.getByRole('button', { name: 'Add network' }).click();
      const networkField = page.getByLabel('Network 1 name');
      const networkChoices = await networkField.getAttribute('list');
      await expect(
        page.locator(`datalist[id="${networkChoices}"] option[value="${network}"]`),
      ).toHaveCount(1);
      await networkField.fill(network);
      await page.getByLabel('Network 1 static IPv4 address').fill(`10.77.${octet}.10`);
      await page.screenshot({
        path: artifactPath('container-create-network-volume.png'),
        fullPage: true,
      });
      await page.getByRole('button', { name: 'Create and start' }).click();
      await expect(page.getByRole('heading', { name: container })).toBeVisible();
      await expect(
        page.getByRole('table', { name: 'Mounts' }).getByRole('cell', { name: volume }),
      ).toBeVisible();
      const networks = page.getByRole('table', { name: 'Networks' });
      await expect(networks.getByRole('cell', { name: network, exact: true })).toBeVisible();
      await expect(networks.getByRole('cell', { name: `10.77.${octet}.10` })).toBeVisible();
      await page.screenshot({ path: artifactPath('container-network-volume.png'), fullPage: true });
    });

    await test.step('the volume says which container uses it; browse it and download a file', async () => {
      await page.goto(`/volumes/${hostId}/${volume}`);
      await expect(page.getByRole('link', { name: container })).toBeVisible();
      const files = page.getByRole('table', { name: 'Files in the folder' });
      await expect(files.getByRole('button', { name: 'docs/' })).toBeVisible();
      await expect(files.getByText('top.txt')).toBeVisible();
      await files.getByRole('button', { name: 'docs/' }).click();
      await expect(files.getByText('hello.txt')).toBeVisible();
      await page.screenshot({ path: artifactPath('volume-files.png'), fullPage: true });
      const downloaded = page.waitForEvent('download');
      await files.getByRole('link', { name: 'Download hello.txt' }).click();
      const download = await downloaded;
      expect(download.suggestedFilename()).toBe('hello.txt');
      expect(readFileSync(await download.path(), 'utf8')).toBe(`hello from ${run}\n`);
    });

    await test.step('remove the volume and the network behind a confirmation', async () => {
      const gone = await apiCall(
        page,
        'DELETE',
        `/api/hosts/${hostId}/containers/${container}?force=true`,
      );
      expect(gone.status()).toBe(204);
      await page.reload();
      await page.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('button', { name: 'Remove volume' }).click();
      await expect(page).toHaveURL((url) => url.pathname === '/volumes');
      const networks = await apiCall(page, 'GET', `/api/networks?q=${network}`);
      const { items } = (await networks.json()) as { items: { id: string }[] };
      await page.goto(`/networks/${hostId}/${items[0]?.id ?? network}`);
      await page.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('button', { name: 'Remove network' }).click();
      await expect(page).toHaveURL((url) => url.pathname === '/networks');
    });
  } finally {
    if (hostId) {
      await apiCall(page, 'DELETE', `/api/hosts/${hostId}/containers/${container}?force=true`);
      await apiCall(page, 'DELETE', `/api/hosts/${hostId}/volumes/${volume}`);
      await apiCall(page, 'DELETE', `/api/hosts/${hostId}/networks/${network}`);
    }
    try {
      inHostB('ip', 'link', 'del', parent);
    } catch {
      // already gone with the namespace
    }
    try {
      dockerOnB('network', 'rm', outside);
    } catch {
      // not made, or removed by the test
    }
  }
});
