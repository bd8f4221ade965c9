import { expect, test, type Page } from '@playwright/test';
import { fleetValue } from '../support/fleet';
import { screen } from '../support/screens';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

/*
 * The swarm pages against the fleet's swarm manager (host e, registered as BERTH_E2E_SWARM_HOST_NAME
 * by scripts/run-e2e.mjs): the cluster and its nodes, a service created from the form (a field
 * error first, rollback settings given), force-updated by a webhook made on its page, scaled from 1
 * to 3 with its tasks followed, its merged log read live, the page reloaded, then removed.
 */

const IMAGE = fleetValue('BERTH_FLEET_IMAGE');

async function swarmHostId(page: Page, name: string): Promise<string> {
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const host = hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host named ${name}`);
  return host.id;
}

/** Rows of the tasks table that run now and are meant to. */
function runningTasks(page: Page) {
  return page
    .getByRole('table', { name: 'Tasks' })
    .locator('tr[data-task-state="running"][data-desired-state="running"]');
}

test('a service is created from the form on the swarm manager, force-updated by a webhook, scaled from 1 to 3 while its tasks are followed, its merged log read live, and removed', async ({
  page,
}) => {
  // Task scheduling, a scale and a live log on a busy two-core machine (3 to 4.5 minutes seen).
  test.setTimeout(360_000);
  const hostName = requiredEnv('BERTH_E2E_SWARM_HOST_NAME');
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const run = `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const name = `e2e-svc-${run}`;
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, password);
  const hostId = await swarmHostId(page, hostName);
  let serviceId = '';

  try {
    await test.step('the Swarm page shows the manager, its join tokens and its nodes', async () => {
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Swarm' })
        .click();
      await expect(page).toHaveURL((url) => url.pathname === '/swarm');
      await page.getByLabel('Manager host').selectOption({ label: hostName });
      await expect(page).toHaveURL((url) => url.searchParams.get('host') === hostId);
      const facts = page.getByLabel('Cluster facts');
      await expect(facts.getByTestId('swarm-managers')).not.toHaveText('0');
      await expect(page.getByTestId('join-token-worker')).toContainText('SWMTKN-');
      const nodes = page.getByRole('table', { name: 'Swarm nodes' });
      await expect(nodes.locator('tbody tr').first()).toContainText('ready');
      await expect(nodes.locator('tbody tr').first()).toContainText('manager');
      await screen(page, 'swarm-cluster');
    });

    await test.step('the form refuses a port out of range at its field, then creates the service', async () => {
      await page.goto(`/services/new?host=${hostId}`);
      const form = page.getByRole('form', { name: 'New service' });
      await expect(form.getByLabel('Host', { exact: true })).toHaveValue(hostId);
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Image', { exact: true }).fill(IMAGE);
      await form
        .getByLabel('Command', { exact: true })
        .fill(`sh -c 'while true; do echo swarm-e2e-${run} $(hostname); sleep 1; done'`);
      await form.getByLabel('Replicas', { exact: true }).fill('1');
      await form.getByLabel('Rollback parallelism', { exact: true }).fill('2');
      await form.getByLabel('Rollback order', { exact: true }).selectOption('start-first');
      await form.getByRole('button', { name: 'Add port' }).click();
      await form.getByLabel('Port 1 target').fill('70000');
      await form.getByRole('button', { name: 'Create service' }).click();
      const target = form.getByLabel('Port 1 target');
      await expect(target).toHaveAttribute('aria-invalid', 'true');
      await expect(form).toContainText('a port up to 65535');
      await screen(page, 'swarm-service-form');
      await form.getByRole('button', { name: 'Remove port 1' }).click();
      await form.getByRole('button', { name: 'Create service' }).click();
      await expect(page).toHaveURL((url) => url.pathname.startsWith(`/services/${hostId}/`));
      serviceId = decodeURIComponent(
        page.url().split('/services/')[1]!.split('/')[1]!.split('?')[0]!,
      );
      await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
      const made = await apiCall(page, 'GET', `/api/hosts/${hostId}/services/${serviceId}`);
      expect(await made.json()).toMatchObject({
        rollbackConfig: { Parallelism: 2, Order: 'start-first', FailureAction: 'pause' },
      });
    });

    await test.step('a webhook made on the page force-updates the service when called, then is revoked', async () => {
      await expect(runningTasks(page)).toHaveCount(1, { timeout: 60_000 });
      const first = await runningTasks(page).locator('span[title]').getAttribute('title');
      const form = page.getByRole('form', { name: 'New webhook' });
      // The fleet's image is local to the engines: no registry to resolve its tag in.
      await form.getByLabel(/^Resolve the image tag/).uncheck();
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const url = page.getByLabel('Webhook URL');
      await expect(url).toHaveValue(/\/api\/webhooks\/[A-Za-z0-9_-]{43}$/);
      await expect(page.getByRole('list', { name: 'Webhooks' })).toContainText('unsigned · 30/min');
      await screen(page, 'swarm-service-webhook');
      const target = await url.inputValue();
      const call = await page.request.post(target);
      expect(call.status()).toBe(202);
      expect(await call.json()).toMatchObject({ status: 'running' });
      // The forced update replaces the one task: the task that ran is no longer the one running.
      await expect(runningTasks(page).locator(`span[title="${first}"]`)).toHaveCount(0, {
        timeout: 60_000,
      });
      await expect(runningTasks(page)).toHaveCount(1, { timeout: 60_000 });
      await page
        .getByRole('list', { name: 'Webhooks' })
        .getByRole('button', { name: /^Revoke webhook/ })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this webhook?' });
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expect(page.getByText('No webhook force-updates this service.')).toBeVisible();
      expect((await page.request.post(target)).status()).toBe(404);
    });

    await test.step('one task runs; scaled to 3, the tasks table follows until three run', async () => {
      await expect(runningTasks(page)).toHaveCount(1, { timeout: 60_000 });
      const scale = page.getByRole('form', { name: 'Scale' });
      await scale.getByLabel('Replicas', { exact: true }).fill('3');
      await scale.getByRole('button', { name: 'Apply' }).click();
      const replicas = page.getByLabel('Service facts').getByTestId('service-replicas');
      await expect(replicas).toHaveAttribute('data-desired', '3');
      await expect(runningTasks(page)).toHaveCount(3, { timeout: 90_000 });
      await expect(replicas).toHaveAttribute('data-running', '3');
      await screen(page, 'swarm-service');
    });

    await test.step('the services list shows it with 3 of 3 replicas', async () => {
      await page.goto(`/services?host=${hostId}`);
      const row = page.getByTestId('services-table').locator('tr', { hasText: name });
      await expect(row.getByTestId('service-replicas')).toHaveAttribute('data-running', '3');
      await screen(page, 'swarm-services');
    });

    await test.step('the Logs tab follows the tasks’ merged log live, and survives a reload', async () => {
      await page.goto(`/services/${hostId}/${serviceId}`);
      await page
        .getByRole('navigation', { name: 'Service' })
        .getByRole('link', { name: 'Logs' })
        .click();
      await expect(page).toHaveURL((url) => url.searchParams.get('tab') === 'logs');
      const log = page.getByRole('log', { name: 'Service logs' });
      await expect(log).toContainText(`swarm-e2e-${run}`, { timeout: 60_000 });
      // Three replicas write: lines of more than one task arrive.
      await expect
        .poll(
          async () =>
            new Set(
              await log
                .locator('[data-source]')
                .evaluateAll((els) => els.map((el) => el.getAttribute('data-source'))),
            ).size,
          { timeout: 60_000 },
        )
        .toBeGreaterThan(1);
      await screen(page, 'swarm-service-logs', 'dark');
      await page.reload();
      await expect(page.getByRole('log', { name: 'Service logs' })).toContainText(
        `swarm-e2e-${run}`,
        {
          timeout: 60_000,
        },
      );
    });

    await test.step('Remove asks first, then the service is gone from the list', async () => {
      await page.goto(`/services/${hostId}/${serviceId}`);
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: `Remove service ${name}?` });
      await dialog.getByRole('button', { name: 'Remove service' }).click();
      await expect(page).toHaveURL((url) => url.pathname === '/services');
      await expect(
        page.getByTestId('services-table').or(page.getByText('No services')),
      ).toBeVisible();
      await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
      serviceId = '';
    });
  } finally {
    if (serviceId) await apiCall(page, 'DELETE', `/api/hosts/${hostId}/services/${serviceId}`);
  }
});

test('a read-only user on the swarm manager sees the swarm and a service, but no join token and no button that changes them', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const hostName = requiredEnv('BERTH_E2E_SWARM_HOST_NAME');
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const run = `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const name = `e2e-svc-ro-${run}`;
  const username = `e2e-swarm-reader-${run}`;
  const readerPassword = 'e2e-swarm-reader-password-1';
  await signIn(page, adminUser, password);
  const hostId = await swarmHostId(page, hostName);
  const created = await apiCall(page, 'POST', `/api/hosts/${hostId}/services`, {
    name,
    image: IMAGE,
    command: ['sleep', '3600'],
    replicas: 1,
  });
  expect(created.status()).toBe(201);
  const { id: serviceId } = (await created.json()) as { id: string };
  const user = await apiCall(page, 'POST', '/api/users', { username, password: readerPassword });
  expect(user.status()).toBe(201);
  const { id: userId } = (await user.json()) as { id: string };
  expect(
    (await apiCall(page, 'POST', '/api/grants', { userId, hostId, role: 'read-only' })).status(),
  ).toBe(201);

  try {
    await signIn(page, username, readerPassword);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Swarm' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Services' })).toBeVisible();

    await test.step('the Swarm page shows the cluster and nodes without tokens or node actions', async () => {
      await page.goto(`/swarm?host=${hostId}`);
      await expect(page.getByLabel('Cluster facts').getByTestId('swarm-managers')).not.toHaveText(
        '0',
      );
      const nodes = page.getByRole('table', { name: 'Swarm nodes' });
      await expect(nodes.locator('tbody tr').first()).toContainText('ready');
      await expect(page.getByRole('heading', { name: 'Join tokens' })).toHaveCount(0);
      await expect(page.getByTestId('join-token-worker')).toHaveCount(0);
      await expect(
        nodes.getByRole('button', {
          name: /^(Drain|Pause|Activate|Promote|Demote|Remove|Add a label)\b/,
        }),
      ).toHaveCount(0);
      await page.getByRole('link', { name: 'Secrets' }).click();
      await expect(page).toHaveURL((url) => url.pathname === '/swarm/secrets');
      await expect(page.getByRole('button', { name: 'New secret' })).toHaveCount(0);
    });

    await test.step('the service is listed and shown, with no create, scale, update, remove or webhooks', async () => {
      await page.goto('/services');
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
      await expect(page.getByRole('link', { name: 'New service' })).toHaveCount(0);
      await page.getByRole('link', { name, exact: true }).click();
      await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
      await expect(page.getByRole('table', { name: 'Tasks' })).toBeVisible();
      for (const button of ['Force update', 'Roll back', 'Remove', 'Apply', 'Update']) {
        await expect(page.getByRole('button', { name: button, exact: true })).toHaveCount(0);
      }
      await expect(page.getByRole('form', { name: 'Scale' })).toHaveCount(0);
      await expect(page.getByRole('form', { name: 'New webhook' })).toHaveCount(0);
    });
  } finally {
    await page.context().clearCookies();
    await signIn(page, adminUser, password);
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/services/${serviceId}`);
  }
});

test('updating a swarm stack starts from the file it was deployed with: a variable changed, the secret one kept', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const run = `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const name = `e2est${run}`;
  const token = `e2e-token-${run}`;
  await signIn(page, adminUser, password);
  const hostId = await swarmHostId(page, requiredEnv('BERTH_E2E_SWARM_HOST_NAME'));
  const compose = [
    'services:',
    '  web:',
    `    image: ${IMAGE}`,
    '    command: ["sleep", "3600"]',
    '    stop_grace_period: 1s',
    '    environment:',
    '      GREETING: ${GREETING}',
    '      TOKEN: ${TOKEN}',
    '    deploy:',
    '      placement:',
    '        constraints: [node.role == manager]',
    '',
  ].join('\n');
  const deployed = await apiCall(page, 'POST', `/api/hosts/${hostId}/swarm/stacks`, {
    name,
    compose,
    env: [
      { name: 'GREETING', value: 'first', secret: false },
      { name: 'TOKEN', value: token, secret: true },
    ],
  });
  expect(deployed.status()).toBe(201);
  const serviceEnv = async () => {
    const service = await apiCall(page, 'GET', `/api/hosts/${hostId}/docker/services/${name}_web`);
    const body = (await service.json()) as {
      Spec: { TaskTemplate: { ContainerSpec: { Env?: string[] } } };
    };
    return [...(body.Spec.TaskTemplate.ContainerSpec.Env ?? [])].sort();
  };
  try {
    await page.goto(`/swarm/stacks?host=${hostId}`);
    await page.getByRole('button', { name: `Update stack ${name}` }).click();
    const form = page.getByRole('form', { name: `Update stack ${name}` });
    await expect(form.getByText(/The file it was deployed with on/)).toBeVisible();
    await expect(form.locator('.cm-content')).toContainText('GREETING: ${GREETING}');
    await expect(form.getByLabel('Variable 1 value')).toHaveValue('first');
    // The secret is shown masked, never its value.
    await expect(form.getByLabel('Variable 2 value')).not.toHaveValue(token);
    await expect(form.getByLabel('Variable 2 value')).toHaveAttribute('type', 'password');
    await form.getByLabel('Variable 1 value').fill('second');
    await form.getByRole('button', { name: 'Update stack', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Deployed:' })).toHaveText(
      'Deployed: updated web.',
    );
    expect(await serviceEnv()).toEqual(['GREETING=second', `TOKEN=${token}`]);
  } finally {
    await apiCall(page, 'DELETE', `/api/hosts/${hostId}/swarm/stacks/${name}`);
  }
});

test("a task on a worker node that is a registered host links to its container on that host's page", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const run = `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const name = `e2e-svc-worker-${run}`;
  await signIn(page, adminUser, password);
  const hostId = await swarmHostId(page, requiredEnv('BERTH_E2E_SWARM_HOST_NAME'));
  const worker = await apiCall(page, 'POST', '/api/hosts', {
    name: `e2e-worker-${run}`,
    url: fleetValue('BERTH_FLEET_F_URL'),
  });
  expect(worker.status()).toBe(201);
  const workerId = ((await worker.json()) as { id: string }).id;
  let serviceId = '';
  try {
    const created = await apiCall(page, 'POST', `/api/hosts/${hostId}/services`, {
      name,
      image: IMAGE,
      command: ['sleep', '3600'],
      replicas: 1,
      constraints: ['node.role == worker'],
    });
    expect(created.status()).toBe(201);
    serviceId = ((await created.json()) as { id: string }).id;
    await page.goto(`/services/${hostId}/${serviceId}`);
    // Placed on the worker once it is active (another suite may drain it for a moment).
    const task = runningTasks(page);
    await expect(task).toHaveCount(1, { timeout: 150_000 });
    const link = task.getByRole('link');
    await expect(link).toHaveAttribute('href', new RegExp(`^/containers/${workerId}/[0-9a-f]{64}`));
    await link.click();
    await expect(page).toHaveURL((url) => url.pathname.startsWith(`/containers/${workerId}/`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  } finally {
    if (serviceId) await apiCall(page, 'DELETE', `/api/hosts/${hostId}/services/${serviceId}`);
    await apiCall(page, 'DELETE', `/api/hosts/${workerId}`);
  }
});
