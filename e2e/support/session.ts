import { expect, type Page, type PlaywrightWorkerArgs } from '@playwright/test';

export const adminUser = process.env.BERTH_ADMIN_USER ?? 'admin';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the test script sets it when it starts Berth.`);
  return value;
}

/** Signs in through the form and waits for the dashboard. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  // Signed in already (as someone else), /login would send the page on to the dashboard while
  // it loads: start signed out. Leave the dashboard first: an open page whose next request finds
  // no session navigates to the sign-in page by itself, which would abort this navigation.
  await page.goto('about:blank');
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/');
}

/** An API call with the browser's session, as the dashboard makes it (CSRF token included). */
export async function apiCall(
  page: Page,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  data?: unknown,
) {
  const me = await page.request.get('/api/auth/me');
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  return page.request.fetch(path, {
    method,
    headers: { 'x-csrf-token': csrfToken },
    ...(data === undefined ? {} : { data }),
  });
}

/**
 * Removes the stored registries named `*-<run>`, signed in on a request context of its own. A
 * test that timed out has lost its page before its `finally` runs, and a registry it left behind
 * would keep its address from the specs after it (an address is stored once).
 */
export async function removeRegistriesOf(
  playwright: PlaywrightWorkerArgs['playwright'],
  run: string,
): Promise<void> {
  const api = await playwright.request.newContext({ baseURL: requiredEnv('BERTH_URL') });
  try {
    const login = await api.post('/api/auth/login', {
      data: { username: adminUser, password: requiredEnv('BERTH_ADMIN_PASSWORD') },
    });
    expect(login.status()).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const listed = await api.get('/api/registries');
    expect(listed.status()).toBe(200);
    const stored = (await listed.json()) as { id: string; name: string }[];
    for (const registry of stored.filter((r) => r.name.endsWith(`-${run}`))) {
      const removed = await api.delete(`/api/registries/${registry.id}`, {
        headers: { 'x-csrf-token': csrfToken },
      });
      expect([204, 404]).toContain(removed.status());
    }
  } finally {
    await api.dispose();
  }
}
