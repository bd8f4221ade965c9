import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

/** Screenshots go to e2e/artifacts/, where CI collects them. */
function artifactPath(name: string): string {
  return fileURLToPath(new URL(`../artifacts/${name}`, import.meta.url));
}

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

test('a macvlan network and a volume with driver options are made from their forms; the volume is browsed and a file downloaded', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const run = `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const network = `e2e-mv-${run}`;
  const volume = `e2e-vol-${run}`;
  // This kernel has no dummy links: a veth pair in host b's namespace is the macvlan parent.
  const parent = `ev${run}`.slice(0, 12);
  const folder = `/tmp/e2e-volume-${run}`;
  let hostId = '';
  inHostB('ip', 'link', 'add', parent, 'type', 'veth', 'peer', 'name', `${parent}p`);
  inHostB('ip', 'link', 'set', parent, 'up');
  mkdirSync(`${folder}/docs`, { recursive: true });
  writeFileSync(`${folder}/docs/hello.txt`, `hello from ${run}\n`);
  writeFileSync(`${folder}/top.txt`, 'top\n');
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
      await form.getByLabel('Subnet').fill('10.77.31.0/24');
      await form.getByLabel('Gateway').fill('10.77.32.1');
      await form.getByRole('button', { name: 'Create network' }).click();
      await expect(form.getByText('a macvlan network needs a parent interface')).toBeVisible();
      await expect(form.getByText('the gateway 10.77.32.1 is outside the subnet')).toBeVisible();
      await form.getByLabel('Parent interface').fill(parent);
      await form.getByLabel('Mode').selectOption('bridge');
      await form.getByLabel('Gateway').fill('10.77.31.1');
      await page.screenshot({ path: artifactPath('network-create.png'), fullPage: true });
      await form.getByRole('button', { name: 'Create network' }).click();
      await expect(page.getByRole('heading', { name: network })).toBeVisible();
      await expect(page.getByText('macvlan network')).toBeVisible();
      await expect(page.getByRole('cell', { name: '10.77.31.0/24' })).toBeVisible();
      await expect(page.getByRole('cell', { name: parent, exact: true })).toBeVisible();
      await page.screenshot({ path: artifactPath('network-detail.png'), fullPage: true });
    });

    await test.step('the network is in the fleet list', async () => {
      await page.goto('/networks');
      await page.getByLabel('Search').fill(network);
      await expect(page.getByRole('link', { name: network })).toBeVisible();
      await page.screenshot({ path: artifactPath('networks-list.png'), fullPage: true });
    });

    await test.step('create a volume with driver options (a bind of a prepared folder)', async () => {
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
      // The form offers tmpfs, nfs and cifs; a folder of this machine is bound through the API.
      const made = await apiCall(page, 'POST', `/api/hosts/${hostId}/volumes`, {
        name: volume,
        driverOpts: { type: 'none', o: 'bind', device: folder },
        labels: { 'e2e.spec': 'networks-volumes' },
      });
      expect(made.status()).toBe(201);
      await form.getByRole('button', { name: 'Cancel' }).click();
      await page.getByLabel('Search').fill(volume);
      await page.getByRole('link', { name: volume }).click();
      await expect(page.getByRole('heading', { name: volume })).toBeVisible();
      await expect(page.getByRole('cell', { name: folder })).toBeVisible();
    });

    await test.step('browse the volume and download a file', async () => {
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
      await apiCall(page, 'DELETE', `/api/hosts/${hostId}/volumes/${volume}`);
      await apiCall(page, 'DELETE', `/api/hosts/${hostId}/networks/${network}`);
    }
    try {
      inHostB('ip', 'link', 'del', parent);
    } catch {
      // already gone with the namespace
    }
    rmSync(folder, { recursive: true, force: true });
  }
});
