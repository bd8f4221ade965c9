import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { artifactPath, fleetValue } from '../support/fleet';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const STACK = `e2e-upload-${randomBytes(4).toString('hex')}`;
const HOST = 'fleet-b';

const COMPOSE = [
  'services:',
  '  app:',
  '    image: local/busybox:latest',
  '    command: ["sleep", "3600"]',
  '    environment:',
  '      GREETING: ${GREETING}',
  '      COLOUR: ${COLOUR}',
  '',
].join('\n');

/** The app container's environment on host b, as the engine has it. */
function appEnvOnB(): string {
  return execFileSync(
    '/usr/bin/docker',
    [
      '-H',
      fleetValue('BERTH_FLEET_B_URL'),
      'inspect',
      '--format',
      '{{range .Config.Env}}{{.}} {{end}}',
      `${STACK}-app-1`,
    ],
    { encoding: 'utf8' },
  );
}

test('a stack is created from an uploaded compose file and .env; a webhook is created with options, called, and revoked', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));

  try {
    await test.step('the uploaded files fill the editor and add the .env variables', async () => {
      await page.goto('/stacks/new');
      const form = page.getByRole('form', { name: 'New stack' });
      await form.getByLabel('Host', { exact: true }).selectOption({ label: HOST });
      await form.getByLabel('Name', { exact: true }).fill(STACK);
      await form.getByLabel('Upload compose file').setInputFiles({
        name: 'compose.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from(COMPOSE),
      });
      await expect(page.getByTestId('compose-editor')).toContainText('COLOUR: ${COLOUR}');
      await form.getByLabel('Upload .env').setInputFiles({
        name: 'prod.env',
        mimeType: 'text/plain',
        buffer: Buffer.from('GREETING=from-the-file\nCOLOUR="blue"\n'),
      });
      await expect(form).toContainText('Variables from prod.env are added on deploy.');
      // A variable typed in wins over the file's.
      await form.getByRole('button', { name: 'Add variable' }).click();
      await form.getByLabel('Variable 1 name').fill('GREETING');
      await form.getByLabel('Variable 1 value').fill('typed-in');
      await page.screenshot({ path: artifactPath('stack-upload.png'), fullPage: true });
      await form.getByRole('button', { name: 'Deploy' }).click();
      await expect(page.getByTestId('deploy-progress')).toContainText('Deployed', {
        timeout: 60_000,
      });
      const env = appEnvOnB();
      expect(env).toContain('GREETING=typed-in');
      expect(env).toContain('COLOUR=blue');
    });

    await test.step('a webhook is created with a branch filter; its URL is shown once', async () => {
      await page.getByRole('link', { name: 'Open the stack' }).click();
      await expect(page.getByRole('heading', { name: STACK })).toBeVisible();
      const form = page.getByRole('form', { name: 'New webhook' });
      await form.getByLabel('Branches or tags').fill('main');
      await form.getByLabel('Services').fill('app');
      await form.getByLabel('Calls a minute').fill('5');
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const url = page.getByLabel('Webhook URL');
      await expect(url).toHaveValue(/\/api\/webhooks\/[A-Za-z0-9_-]{43}$/);
      const hooks = page.getByRole('list', { name: 'Webhooks' });
      await expect(hooks).toContainText('only main · services app · 5/min');
      await page.screenshot({ path: artifactPath('stack-webhook-created.png'), fullPage: true });

      const target = await url.inputValue();
      const other = await page.request.post(target, { data: { ref: 'refs/heads/dev' } });
      expect(other.status()).toBe(202);
      expect(await other.json()).toMatchObject({ status: 'skipped' });
      const main = await page.request.post(target, { data: { ref: 'refs/heads/main' } });
      expect(main.status()).toBe(202);
      expect(await main.json()).toMatchObject({ status: 'running' });
      await page.reload();
      await expect(page.getByRole('list', { name: 'Deployments' })).toContainText('skipped');
    });

    await test.step('revoking asks first; the URL then answers 404', async () => {
      const target = page.getByRole('list', { name: 'Webhooks' });
      await target.getByRole('button', { name: /^Revoke webhook/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this webhook?' });
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expect(page.getByText('No webhook redeploys this stack.')).toBeVisible();
    });
  } finally {
    const list = await apiCall(page, 'GET', '/api/stacks');
    const { items } = (await list.json()) as { items: { id: string; name: string }[] };
    for (const stack of items.filter((s) => s.name === STACK)) {
      await apiCall(page, 'DELETE', `/api/stacks/${stack.id}?volumes=true`);
    }
  }
});
