import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

const adminUser = process.env.BERTH_ADMIN_USER ?? 'admin';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the test script sets it when it starts Berth.`);
  return value;
}

/** Screenshots go to e2e/artifacts/, where CI collects them. */
function artifactPath(name: string): string {
  return fileURLToPath(new URL(`../artifacts/${name}`, import.meta.url));
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username', { exact: true }).fill(adminUser);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('an admin signs in, sees the fleet and its hosts, and switches to dark mode', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  await page.emulateMedia({ colorScheme: 'light' });

  await signIn(page, password);
  await expect(page).toHaveURL((url) => url.pathname === '/');
  const summary = page.getByRole('region', { name: 'Fleet summary' });
  await expect(summary.getByText('Hosts up')).toBeVisible();
  await expect(summary.getByText('Running')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Hosts overview' })).toContainText(hostName);
  await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Hosts', exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/hosts');
  const row = page
    .getByRole('table', { name: 'Hosts' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: hostName, exact: true }) });
  // The first health check may still be running; live updates and polling bring the result in.
  await expect(row.getByText('up', { exact: true })).toBeVisible({ timeout: 45_000 });
  await page.screenshot({ path: artifactPath('hosts.png'), fullPage: true });

  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }).click();
  const html = page.locator('html');
  await expect(html).toHaveClass(/\bdark\b/);
  await nav.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await expect(summary.getByText('Hosts up')).toBeVisible();
  await page.screenshot({ path: artifactPath('dashboard-dark.png'), fullPage: true });

  // The choice is remembered and applied before the first paint of the next load.
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
});

test('a wrong password shows an error and stays on the sign-in page', async ({ page }) => {
  await signIn(page, 'not-the-admin-password');
  await expect(page.getByRole('alert').filter({ hasText: 'Sign-in failed' })).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === '/login');
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
});
