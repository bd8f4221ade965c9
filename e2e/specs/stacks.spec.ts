import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { writeCompose } from '../support/compose-editor';
import { artifactPath, fleetValue } from '../support/fleet';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const STACK = `e2e-stack-${randomBytes(4).toString('hex')}`;
const HOST = 'fleet-b';

/** Containers of the stack on host b, as the engine lists them (name and state). */
function stackContainersOnB(): string[] {
  const out = execFileSync(
    '/usr/bin/docker',
    [
      '-H',
      fleetValue('BERTH_FLEET_B_URL'),
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${STACK}`,
      '--format',
      '{{.Names}} {{.State}}',
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

function compose(command: string, typo = false): string {
  return [
    'services:',
    '  app:',
    '    image: local/busybox:latest',
    `    ${typo ? 'comand' : 'command'}: ["sleep", "${command}"]`,
    '    environment:',
    '      GREETING: ${GREETING}',
    '',
  ].join('\n');
}

test('a stack is written in the editor, its typo shown at its line, deployed with progress, planned, redeployed and deleted', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, password);

  try {
    await test.step('a typo is answered at its line, in the editor and in the list', async () => {
      await page.goto('/stacks');
      await expect(page.getByRole('heading', { name: 'Stacks' })).toBeVisible();
      await page.getByRole('link', { name: 'New stack' }).click();
      const form = page.getByRole('form', { name: 'New stack' });
      const host = form.getByLabel('Host', { exact: true });
      await expect(host.locator('option', { hasText: HOST })).toHaveCount(1);
      await host.selectOption({ label: HOST });
      await form.getByLabel('Name', { exact: true }).fill(STACK);
      await writeCompose(page, compose('3600', true));
      await form.getByRole('button', { name: 'Add variable' }).click();
      await form.getByLabel('Variable 1 name').fill('GREETING');
      await form.getByLabel('Variable 1 value').fill('hello-from-e2e');
      await form.getByLabel('Secret').check();
      await expect(form.getByLabel('Variable 1 value')).toHaveAttribute('type', 'password');
      await form.getByRole('button', { name: 'Deploy' }).click();

      const problems = form.getByRole('list', { name: 'Compose problems' });
      await expect(problems).toContainText('line 4: services.app.comand');
      // The gutter marks line 4, and only it.
      const markers = page.getByTestId('compose-editor').locator('.cm-lint-marker-error');
      await expect(markers).toHaveCount(1);
      const lineNumber = page
        .getByTestId('compose-editor')
        .locator('.cm-lineNumbers .cm-gutterElement', { hasText: /^4$/ });
      const markerBox = await markers.boundingBox({ timeout: 5_000 });
      const lineBox = await lineNumber.boundingBox({ timeout: 5_000 });
      const markerMiddle = (markerBox?.y ?? 0) + (markerBox?.height ?? 0) / 2;
      expect(markerMiddle).toBeGreaterThan(lineBox?.y ?? Infinity);
      expect(markerMiddle).toBeLessThan((lineBox?.y ?? 0) + (lineBox?.height ?? 0));
      await page.screenshot({ path: artifactPath('stacks-invalid.png'), fullPage: true });
      expect(stackContainersOnB()).toEqual([]);
    });

    await test.step('the fixed file is planned before its first deploy, creating nothing', async () => {
      const form = page.getByRole('form', { name: 'New stack' });
      await writeCompose(page, compose('3600'));
      await form.getByRole('button', { name: 'Plan' }).click();
      await expect(form.getByRole('list', { name: 'Compose problems' })).toHaveCount(0);
      const steps = form.getByRole('list', { name: 'Plan steps' });
      await expect(steps).toContainText(`${STACK}-app-1`);
      await page.screenshot({ path: artifactPath('stacks-new-plan.png'), fullPage: true });
      expect(stackContainersOnB()).toEqual([]);
    });

    await test.step('the fixed file deploys; its steps fill the progress bar', async () => {
      const form = page.getByRole('form', { name: 'New stack' });
      await form.getByRole('button', { name: 'Deploy' }).click();
      await expect(form.getByRole('list', { name: 'Compose problems' })).toHaveCount(0);
      const progress = page.getByTestId('deploy-progress');
      await expect(progress).toBeVisible();
      await expect(progress).toContainText('Deployed', { timeout: 60_000 });
      await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
      await expect(progress).toContainText(/(\d+) \/ \1 steps/);
      await page.screenshot({ path: artifactPath('stacks-deployed.png'), fullPage: true });
      expect(stackContainersOnB()).toEqual([`${STACK}-app-1 running`]);
    });

    await test.step("the stack page shows the service's container", async () => {
      await page.getByRole('link', { name: 'Open the stack' }).click();
      await expect(page.getByRole('heading', { name: STACK })).toBeVisible();
      const services = page.getByTestId('stack-services');
      await expect(services).toContainText('app');
      const container = services.getByRole('link', { name: /\(running\)/ });
      await expect(container).toHaveCount(1);
      await expect(container).toHaveAttribute('href', /^\/containers\/[^/]+\/[0-9a-f]{12,}$/);
      await expect(page.getByRole('list', { name: 'Deployments' })).toContainText('succeeded');
      await page.screenshot({ path: artifactPath('stacks-detail.png'), fullPage: true });
      await container.click();
      await expect(page.getByRole('heading', { name: new RegExp(`${STACK}-app-1`) })).toBeVisible();
      await page.goBack();
    });

    await test.step('an edit is planned (the service is recreated, with the reason) and redeployed', async () => {
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      const form = page.getByRole('form', { name: `Edit ${STACK}` });
      await expect(form.getByLabel('Variable 1 value')).toHaveValue('********');
      await writeCompose(page, compose('3601'));
      await form.getByRole('button', { name: 'Plan' }).click();
      const changes = form.getByRole('list', { name: 'Service changes' });
      await expect(changes).toContainText('recreate app #1');
      await expect(form.getByRole('list', { name: 'Plan steps' })).toContainText(
        `remove-container ${STACK}-app-1`,
      );
      await page.screenshot({ path: artifactPath('stacks-plan.png'), fullPage: true });
      // A plan changes nothing on the engine.
      expect(stackContainersOnB()).toEqual([`${STACK}-app-1 running`]);
      // An edit is reviewed (its diff and plan) and then applied.
      await form.getByRole('button', { name: 'Review changes' }).click();
      await form
        .getByRole('region', { name: 'Review' })
        .getByRole('button', { name: 'Apply' })
        .click();
      await expect(page.getByTestId('deploy-progress')).toContainText('Deployed', {
        timeout: 60_000,
      });
      const inspect = execFileSync(
        '/usr/bin/docker',
        [
          '-H',
          fleetValue('BERTH_FLEET_B_URL'),
          'inspect',
          '--format',
          '{{json .Config.Cmd}} {{range .Config.Env}}{{.}} {{end}}',
          `${STACK}-app-1`,
        ],
        { encoding: 'utf8' },
      );
      expect(inspect).toContain('["sleep","3601"]');
      // The masked secret sent back kept its stored value.
      expect(inspect).toContain('GREETING=hello-from-e2e');
    });

    await test.step('delete asks first, offers the volumes, and leaves nothing on the engine', async () => {
      await page.getByRole('link', { name: 'Open the stack' }).click();
      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', { name: `Delete ${STACK}?` });
      await expect(dialog).toBeVisible();
      await dialog.getByLabel('Also remove its volumes').check();
      await page.screenshot({ path: artifactPath('stacks-delete.png') });
      await dialog.getByRole('button', { name: 'Delete' }).click();
      // The answer comes once the container has stopped (busybox's sleep waits out the grace time).
      await expect(page).toHaveURL(/\/stacks$/, { timeout: 60_000 });
      await expect(page.getByRole('link', { name: STACK, exact: true })).toHaveCount(0);
      expect(stackContainersOnB()).toEqual([]);
    });
  } finally {
    const list = await apiCall(page, 'GET', '/api/stacks');
    const { items } = (await list.json()) as { items: { id: string; name: string }[] };
    for (const stack of items.filter((s) => s.name === STACK)) {
      await apiCall(page, 'DELETE', `/api/stacks/${stack.id}?volumes=true`);
    }
  }
});
