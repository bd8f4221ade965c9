import { expect, test, type Browser, type Cookie, type Page } from '@playwright/test';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';
import { screens } from '../support/screens';

/*
 * Every URL the dashboard can show survives a reload and a fresh tab: opened signed in, each page
 * renders its heading (never the error boundary); opened signed out, the server sends it to sign-in
 * with the URL as the way back. In a browser, for a set of unlike URLs: a session signed out
 * elsewhere is sent to sign-in by the page's first API answer, and signing in comes back to the same
 * URL, query included.
 */

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const CONTAINER = `e2e-deep-${RUN}`;
const VOLUME = `e2e-deep-${RUN}`;
const IMAGE = 'local/busybox:latest';
const CRASH = /failed to load|Minified React error|Application error/i;

interface World {
  hostId: string;
  containerId: string;
  networkId: string;
}

async function hostIdOf(page: Page, name: string): Promise<string> {
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const host = hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host named ${name}`);
  return host.id;
}

/** A running container and a volume made straight through the engine gateway. */
async function makeWorld(page: Page): Promise<World> {
  const hostId = await hostIdOf(page, requiredEnv('BERTH_E2E_HOST_NAME'));
  const docker = `/api/hosts/${hostId}/docker`;
  const created = await apiCall(page, 'POST', `${docker}/containers/create?name=${CONTAINER}`, {
    Image: IMAGE,
    Cmd: ['sh', '-c', 'while true; do echo deep-link-$(date +%s); sleep 1; done'],
    Labels: { 'e2e.spec': 'deep-links' },
  });
  expect(created.status()).toBe(201);
  const { Id } = (await created.json()) as { Id: string };
  expect((await apiCall(page, 'POST', `${docker}/containers/${Id}/start`)).status()).toBe(204);
  expect((await apiCall(page, 'POST', `${docker}/volumes/create`, { Name: VOLUME })).status()).toBe(
    201,
  );
  const bridge = await apiCall(page, 'GET', `${docker}/networks/bridge`);
  const { Id: networkId } = (await bridge.json()) as { Id: string };
  return { hostId, containerId: Id, networkId };
}

async function cleanUp(page: Page, world: World | null): Promise<void> {
  if (!world) return;
  const docker = `/api/hosts/${world.hostId}/docker`;
  await apiCall(page, 'DELETE', `${docker}/containers/${world.containerId}?force=true`);
  await apiCall(page, 'DELETE', `${docker}/volumes/${VOLUME}`);
}

/** Every page and tab, by URL, with the heading it shows. */
function urlsOf({
  hostId,
  containerId,
  networkId,
}: World): { url: string; heading: RegExp | null }[] {
  const container = `/containers/${hostId}/${containerId}`;
  return [
    { url: '/', heading: /^Dashboard$/ },
    { url: '/hosts', heading: /^Hosts$/ },
    { url: `/hosts/${hostId}`, heading: /./ },
    { url: '/containers', heading: /^Containers$/ },
    { url: '/containers/new', heading: /./ },
    { url: '/containers/events', heading: /Containers|Events/ },
    { url: container, heading: /./ },
    { url: `${container}?tab=overview`, heading: /./ },
    { url: `${container}?tab=logs`, heading: /./ },
    { url: `${container}?tab=console`, heading: /./ },
    { url: `${container}?tab=stats`, heading: /./ },
    { url: '/images', heading: /^Images$/ },
    { url: '/networks', heading: /^Networks$/ },
    { url: `/networks/${hostId}/${networkId}`, heading: /./ },
    { url: '/volumes', heading: /^Volumes$/ },
    { url: `/volumes/${hostId}/${VOLUME}`, heading: /./ },
    { url: '/plugins', heading: /^Plugins$/ },
    { url: '/stacks', heading: /^Stacks$/ },
    { url: '/stacks/new', heading: null },
    { url: '/swarm', heading: /^Swarm$/ },
    { url: '/swarm/secrets', heading: /^Swarm$/ },
    { url: '/swarm/configs', heading: /^Swarm$/ },
    { url: '/swarm/stacks', heading: /^Swarm$/ },
    { url: '/services', heading: /^Services$/ },
    { url: '/services/new', heading: /^New service$/ },
    // Host b is no swarm manager: the page says so under its heading.
    { url: `/services/${hostId}/no-such-service`, heading: /^Service$/ },
    { url: '/registries', heading: /^Registries$/ },
    { url: '/admin', heading: /^Admin$/ },
    { url: '/admin/users', heading: /^Admin$/ },
    { url: '/admin/teams', heading: /^Admin$/ },
    { url: '/admin/roles', heading: /^Admin$/ },
    { url: '/admin/grants', heading: /^Admin$/ },
    { url: '/admin/audit', heading: /^Admin$/ },
    { url: `/admin/hosts/${hostId}/policy`, heading: /^Admin$/ },
    { url: '/account', heading: /^Account$/ },
  ];
}

/**
 * The URLs walked signed out in a browser. The server's redirect is the same code for every URL
 * (checked for all of them without a browser), and so is the app shell's answer to an ended
 * session (`lib/api.ts`); these cover every kind of page: the dashboard, a fleet list, a
 * container tab, a resource page, an admin tab and the account page.
 */
const SIGN_IN_AND_BACK: ((url: string) => boolean)[] = [
  (url) => url === '/',
  (url) => url === '/images',
  (url) => url.includes('?tab=logs'),
  (url) => url.startsWith('/volumes/'),
  (url) => url === '/admin/grants',
  (url) => url === '/account',
];

/** Pages answer slowly while the machine builds; a crash shows at once either way. */
const SLOW = { timeout: 30_000 };

/** The page's heading (or, for the stack editor, which has none, its sign-out button). */
async function expectRendered(page: Page, heading: RegExp | null, url: string): Promise<void> {
  const shown = heading
    ? page.getByRole('heading', { level: 1, name: heading }).first()
    : page.getByRole('button', { name: 'Sign out' });
  await expect(shown, url).toBeVisible(SLOW);
  await expect(page.getByText(CRASH), url).toHaveCount(0);
}

test.describe.configure({ timeout: 600_000 });

test('every page and container tab opens by URL and survives a reload', async ({ page }) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  await signIn(page, adminUser, password);
  let world: World | null = null;
  try {
    world = await makeWorld(page);
    for (const { url, heading } of urlsOf(world)) {
      // Each `goto` is a whole new document, as a fresh tab loads it.
      await page.goto(url);
      await expectRendered(page, heading, url);
      if (url.includes('?')) {
        // A page whose state is in its URL reloads into the same state.
        await page.reload();
        await expectRendered(page, heading, `${url} (reloaded)`);
      }
    }
    // The tab in the URL is the tab shown.
    await page.goto(`/containers/${world.hostId}/${world.containerId}?tab=logs`);
    await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByText(/deep-link-\d+/).first()).toBeVisible();
    await screens(page, 'deep-link-container-logs', async (p) => {
      await expect(p.getByText(/deep-link-\d+/).first()).toBeVisible();
    });
    expect(errors).toEqual([]);
  } finally {
    await cleanUp(page, world);
  }
});

/** The browser is on the sign-in page, asked to come back to `url` afterwards. */
async function expectSentToSignIn(tab: Page, url: string, label = url): Promise<void> {
  await expect(tab, label).toHaveURL(
    (u) =>
      u.pathname === '/login' &&
      (url === '/' ? u.search === '' : u.searchParams.get('next') === url),
    SLOW,
  );
}

/** The session cookie of a sign-in that has since been signed out (as from another tab). */
async function endedSession(browser: Browser, password: string): Promise<Cookie[]> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await signIn(tab, adminUser, password);
    const cookies = (await context.cookies()).filter((cookie) => cookie.name === 'berth_session');
    expect(cookies).toHaveLength(1);
    expect((await apiCall(tab, 'POST', '/api/auth/logout')).status()).toBe(204);
    return cookies;
  } finally {
    await context.close();
  }
}

test('signed out, every URL sends to sign-in with the way back to it, and signing in returns there', async ({
  page,
  browser,
  playwright,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  await signIn(page, adminUser, password);
  const ended = await endedSession(browser, password);
  let world: World | null = null;
  const cookieless = await playwright.request.newContext({
    baseURL: test.info().project.use.baseURL,
  });
  try {
    world = await makeWorld(page);
    const urls = urlsOf(world);
    // No session cookie: the server itself answers every page with the redirect.
    for (const { url } of urls) {
      const answer = await cookieless.get(url, { maxRedirects: 0 });
      expect(answer.status(), url).toBe(307);
      const location = new URL(answer.headers()['location'] ?? '', 'http://berth');
      expect(location.pathname, url).toBe('/login');
      expect(location.searchParams.get('next'), url).toBe(url === '/' ? null : url);
    }
    for (const { url, heading } of urls.filter(({ url }) => SIGN_IN_AND_BACK.some((b) => b(url)))) {
      // A browser whose session ended elsewhere: the page's answer from the API sends it on.
      const stale = await browser.newContext();
      try {
        await stale.addCookies(ended);
        const tab = await stale.newPage();
        await tab.goto(url);
        await expectSentToSignIn(tab, url, `${url} (ended session)`);
      } finally {
        await stale.close();
      }
      // A fresh tab of a browser that has never signed in, signing in and coming back.
      const fresh = await browser.newContext();
      const tab = await fresh.newPage();
      try {
        await tab.goto(url);
        await expectSentToSignIn(tab, url);
        if (url === '/account') {
          await screens(tab, 'deep-link-signed-out', async (p) => {
            await expect(p.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
          });
        }
        await tab.getByLabel('Username', { exact: true }).fill(adminUser);
        await tab.getByLabel('Password', { exact: true }).fill(password);
        await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
        // The overview is the default tab, so its URL drops `?tab=overview` once shown.
        const landed = url.replace('?tab=overview', '');
        await expect(tab, url).toHaveURL((u) => u.pathname + u.search === landed, SLOW);
        await expectRendered(tab, heading, url);
      } finally {
        await fresh.close();
      }
    }
  } finally {
    await cookieless.dispose();
    await cleanUp(page, world);
  }
});
