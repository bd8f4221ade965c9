import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { artifactPath, fleetValue } from '../support/fleet';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const RUN = randomBytes(4).toString('hex');
const HOST = 'fleet-b';
const PROJECT = `e2e-adopt-${RUN}`;
const ORIGINAL = `e2e-orig-${RUN}`;
const COPY = `e2e-copy-${RUN}`;
const PORT = randomInt(40_000, 50_000);

function dockerOnB(args: string[]): string {
  return execFileSync('/usr/bin/docker', ['-H', fleetValue('BERTH_FLEET_B_URL'), ...args], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/** Containers of a compose project on host b: `service id state`, sorted. */
function projectContainers(project: string): string[] {
  return dockerOnB([
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--format',
    '{{.Label "com.docker.compose.service"}} {{.ID}} {{.State}}',
  ])
    .split('\n')
    .filter(Boolean)
    .sort();
}

const composeFile = `version: '3.8'
services:
  web:
    image: local/busybox:latest
    command: sleep 3600
    environment:
      MODE: adopted
  worker:
    image: local/busybox:latest
    command: [sh, -c, 'exec sleep 3600']
`;

async function hostIdOf(page: Page, name: string): Promise<string> {
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  return hosts.find((h) => h.name === name)?.id ?? '';
}

async function deleteStacks(page: Page, names: string[]): Promise<void> {
  const list = await apiCall(page, 'GET', '/api/stacks');
  const { items } = (await list.json()) as { items: { id: string; name: string }[] };
  for (const stack of items.filter((s) => names.includes(s.name))) {
    await apiCall(page, 'DELETE', `/api/stacks/${stack.id}?volumes=true`);
  }
}

function removeProject(project: string): void {
  const ids = dockerOnB(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) dockerOnB(['rm', '-f', ...ids]);
  try {
    dockerOnB(['network', 'rm', `${project}_default`]);
  } catch {
    // Already gone.
  }
}

test('a project made with docker-compose is listed as not managed and adopted from the page, keeping its containers', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-adopt-'));
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, composeFile);
  execFileSync('/usr/bin/docker-compose', ['--ansi', 'never', '-p', PROJECT, 'up', '-d'], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: fleetValue('BERTH_FLEET_B_URL') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const before = projectContainers(PROJECT);
  expect(before.map((line) => line.replace(/ \S+ /, ' '))).toEqual([
    'web running',
    'worker running',
  ]);
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));

  try {
    await test.step('the stacks page lists it as not managed by Berth, with its services', async () => {
      await page.goto('/stacks');
      const project = page.getByRole('listitem', { name: PROJECT });
      await expect(project).toBeVisible({ timeout: 20_000 });
      await expect(project).toContainText(`${PROJECT}_web_1 (running)`);
      await expect(project).toContainText(`${PROJECT}_worker_1 (running)`);
      await expect(project).toContainText('docker-compose.yml');
      await project.scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifactPath('stack-adoption-unmanaged.png'), fullPage: true });
    });

    await test.step('its uploaded file plans no new container, and adopting it keeps them', async () => {
      await page.getByRole('link', { name: `Adopt ${PROJECT}` }).click();
      const form = page.getByRole('form', { name: `Adopt ${PROJECT}` });
      await expect(form).toBeVisible();
      await form.getByLabel('Upload compose file').setInputFiles(file);
      await expect(page.getByTestId('compose-editor')).toContainText('MODE: adopted');
      await form.getByRole('button', { name: 'Plan' }).click();
      await expect(form.getByRole('region', { name: 'Plan' })).toContainText(
        'Nothing to change: the stack already runs as written.',
      );
      await page.screenshot({ path: artifactPath('stack-adoption-plan.png'), fullPage: true });
      await form.getByRole('button', { name: 'Adopt', exact: true }).click();
      await expect(page.getByTestId('deploy-progress')).toContainText('Deployed', {
        timeout: 60_000,
      });
      await page.screenshot({ path: artifactPath('stack-adoption-adopted.png'), fullPage: true });
      expect(projectContainers(PROJECT)).toEqual(before);
    });

    await test.step('the stacks page lists it as a stack, no longer as not managed', async () => {
      await page.goto('/stacks');
      await expect(page.getByRole('link', { name: PROJECT, exact: true })).toBeVisible();
      await expect(page.getByRole('listitem', { name: PROJECT })).toHaveCount(0);
    });
  } finally {
    await deleteStacks(page, [PROJECT]);
    removeProject(PROJECT);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a container's compose file opens as a new stack without its secret and deploys a like container; its webhooks are managed on its page", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const secret = `e2e-secret-${RUN}`;
  const id = dockerOnB([
    'run',
    '-d',
    '--name',
    ORIGINAL,
    '--label',
    'berth.secret-env=API_KEY',
    '-e',
    'GREETING=hello from e2e',
    '-e',
    `API_KEY=${secret}`,
    '-p',
    `${PORT}:8080`,
    'local/busybox:latest',
    'sleep',
    '3600',
  ]);
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await hostIdOf(page, HOST);

  try {
    await test.step('the container page has a webhooks panel: create, URL shown once, revoke', async () => {
      await page.goto(`/containers/${hostId}/${id}`);
      await expect(page.getByRole('heading', { name: new RegExp(ORIGINAL) })).toBeVisible();
      const panel = page.getByRole('region', { name: 'Webhooks' });
      await expect(panel).toContainText('No webhook recreates this container.');
      await panel.getByRole('button', { name: 'Create webhook' }).click();
      await expect(panel.getByLabel('Webhook URL')).toHaveValue(/\/api\/webhooks\//);
      const hooks = panel.getByRole('list', { name: 'Webhooks' });
      await expect(hooks.getByRole('listitem')).toHaveCount(1);
      await expect(hooks).toContainText('pulls first');
      await panel.scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifactPath('container-webhooks.png'), fullPage: true });
      await hooks.getByRole('button', { name: /^Revoke webhook/ }).click();
      await page
        .getByRole('dialog', { name: 'Revoke this webhook?' })
        .getByRole('button', { name: 'Revoke' })
        .click();
      await expect(panel).toContainText('No webhook recreates this container.');
    });

    await test.step('"Create compose file" opens the new stack form with the file, the secret left out', async () => {
      await page.getByRole('button', { name: 'Create compose file' }).click();
      await expect(page).toHaveURL(/\/stacks\/new\?draft=/);
      const form = page.getByRole('form', { name: 'New stack' });
      const editor = page.getByTestId('compose-editor');
      await expect(editor).toContainText('GREETING: hello from e2e');
      await expect(editor).toContainText('API_KEY: ${API_KEY}');
      await expect(editor).toContainText(`${PORT}:8080`);
      await expect(editor).not.toContainText(secret);
      await expect(form.getByLabel('Variable 1 name')).toHaveValue('API_KEY');
      await expect(form.getByLabel('Variable 1 value')).toHaveAttribute('type', 'password');
      await page.screenshot({ path: artifactPath('compose-from-container.png'), fullPage: true });
      await form.getByLabel('Host', { exact: true }).selectOption({ label: HOST });
      await form.getByLabel('Name', { exact: true }).fill(COPY);
      await form.getByLabel('Variable 1 value').fill(secret);
      // The original gives its published port back to the copy.
      dockerOnB(['stop', ORIGINAL]);
      await form.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('deploy-progress')).toContainText('Deployed', {
        timeout: 60_000,
      });
      await page.screenshot({ path: artifactPath('compose-from-container-deployed.png') });
      const copy = `${COPY}-${ORIGINAL}-1`;
      const facts = (name: string) =>
        dockerOnB([
          'inspect',
          '--format',
          '{{.Config.Image}} {{json .HostConfig.PortBindings}}',
          name,
        ]);
      expect(facts(copy)).toBe(facts(ORIGINAL));
      const env = dockerOnB(['inspect', '--format', '{{json .Config.Env}}', copy]);
      expect(JSON.parse(env)).toEqual(
        expect.arrayContaining(['GREETING=hello from e2e', `API_KEY=${secret}`]),
      );
    });
  } finally {
    await deleteStacks(page, [COPY]);
    removeProject(COPY);
    dockerOnB(['rm', '-f', ORIGINAL]);
  }
});
