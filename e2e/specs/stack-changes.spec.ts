import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { writeCompose } from '../support/compose-editor';
import { artifactPath } from '../support/fleet';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';

const STACK = `e2e-changes-${randomBytes(4).toString('hex')}`;
const HOST = 'fleet-b';
const SECRET = `secret-${randomBytes(6).toString('hex')}`;

/** Two services that each print a line a second, the second one with `betaWord`. */
function compose(betaWord: string): string {
  return [
    'services:',
    '  alpha:',
    '    image: local/busybox:latest',
    '    command: ["sh", "-c", "while true; do echo alpha-tick; sleep 1; done"]',
    '    environment:',
    '      GREETING: ${GREETING}',
    '  beta:',
    '    image: local/busybox:latest',
    `    command: ["sh", "-c", "while true; do echo ${betaWord}; sleep 1; done"]`,
    '',
  ].join('\n');
}

test('an edit of a deployed stack is reviewed as a diff with its plan, applied, found in the history, and its services log into one view', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));

  try {
    const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
      id: string;
      name: string;
    }[];
    const hostId = hosts.find((h) => h.name === HOST)?.id ?? '';
    expect(hostId).not.toBe('');
    const created = await apiCall(page, 'POST', `/api/hosts/${hostId}/stacks`, {
      name: STACK,
      compose: compose('beta-tick'),
      env: [{ name: 'GREETING', value: SECRET, secret: true }],
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await expect
      .poll(
        async () => {
          const res = await apiCall(page, 'GET', `/api/stacks/${id}/deployments`);
          const { items } = (await res.json()) as { items: { status: string }[] };
          return items[0]?.status;
        },
        { timeout: 90_000 },
      )
      .toBe('succeeded');

    await test.step('the stack page merges the logs of both services, each line led by its service', async () => {
      await page.goto(`/stacks/${id}`);
      await expect(page.getByRole('heading', { name: STACK })).toBeVisible();
      const log = page.getByRole('log', { name: 'Stack logs' });
      await expect(log.locator('[data-source="alpha"]').first()).toContainText('alpha-tick', {
        timeout: 30_000,
      });
      await expect(log.locator('[data-source="beta"]').first()).toContainText('beta-tick', {
        timeout: 30_000,
      });
      await expect(log.locator('[data-source="beta"]').first()).toContainText(/^beta\s*\|/);
      await page.screenshot({ path: artifactPath('stack-changes-logs.png'), fullPage: true });
    });

    await test.step('an edit shows its diff (the changed line, secrets masked) and its plan before anything is applied', async () => {
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      const form = page.getByRole('form', { name: `Edit ${STACK}` });
      await writeCompose(page, compose('beta-tock'));
      await form.getByRole('button', { name: 'Add variable' }).click();
      await form.getByLabel('Variable 2 name').fill('MODE');
      await form.getByLabel('Variable 2 value').fill('fast');
      await form.getByRole('button', { name: 'Review changes' }).click();

      const review = form.getByRole('region', { name: 'Review' });
      const composeDiff = review.getByRole('region', { name: 'Diff of compose.yaml' });
      await expect(composeDiff.locator('[data-change="added"]')).toHaveCount(1);
      await expect(composeDiff.locator('[data-change="added"]')).toContainText('beta-tock');
      await expect(composeDiff.locator('[data-change="removed"]')).toContainText('beta-tick');
      const envDiff = review.getByRole('region', { name: 'Diff of .env' });
      await expect(envDiff.locator('[data-change="added"]')).toContainText('MODE=fast');
      await expect(envDiff).toContainText('GREETING=********');
      await expect(page.getByText(SECRET)).toHaveCount(0);

      const changes = review.getByRole('list', { name: 'Service changes' });
      await expect(changes).toContainText('recreate beta #1');
      await expect(changes).not.toContainText('alpha');
      await page.screenshot({ path: artifactPath('stack-changes-diff.png'), fullPage: true });

      await review.getByRole('button', { name: 'Side by side' }).click();
      const row = composeDiff.locator('[data-change="changed"]');
      await expect(row).toHaveCount(1);
      await expect(row).toContainText('beta-tick');
      await expect(row).toContainText('beta-tock');
      await page.screenshot({ path: artifactPath('stack-changes-diff-split.png'), fullPage: true });

      // Nothing has been deployed yet: the only deployment is the first one.
      const res = await apiCall(page, 'GET', `/api/stacks/${id}/deployments`);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
    });

    await test.step('Apply deploys the reviewed edit', async () => {
      await page
        .getByRole('region', { name: 'Review' })
        .getByRole('button', { name: 'Apply' })
        .click();
      await expect(page.getByTestId('deploy-progress')).toContainText('Deployed', {
        timeout: 90_000,
      });
    });

    await test.step('the history lists the new deployment first and opens it to its plan and output', async () => {
      await page.getByRole('link', { name: 'Open the stack' }).click();
      const history = page.getByRole('list', { name: 'Deployments' });
      const deployments = history.locator(':scope > li');
      const newest = deployments.first();
      const toggle = newest.getByRole('button');
      await expect(toggle).toContainText('redeploy');
      await expect(toggle).toContainText('succeeded');
      await expect(toggle).toContainText(`by ${adminUser}`);
      await expect(toggle).toContainText(/file [0-9a-f]{12}/);
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      const detail = newest.getByRole('region', { name: /^Deployment / });
      await expect(detail.getByRole('list', { name: 'Service changes' })).toContainText(
        'recreate beta #1',
      );
      await expect(detail.getByLabel('Output')).toContainText('finished');
      await expect(detail.getByLabel('Output')).toContainText(`create:beta-1`);
      await expect(deployments).toHaveCount(2);
      await page.screenshot({ path: artifactPath('stack-changes-history.png'), fullPage: true });
    });

    await test.step("the merged log follows the recreated service's new container", async () => {
      const log = page.getByRole('log', { name: 'Stack logs' });
      await expect(
        log.locator('[data-source="beta"]', { hasText: 'beta-tock' }).first(),
      ).toBeVisible({
        timeout: 30_000,
      });
      await expect(log.locator('[data-source="alpha"]').first()).toContainText('alpha-tick');
      await page.screenshot({ path: artifactPath('stack-changes-logs-after.png'), fullPage: true });
    });
  } finally {
    const list = await apiCall(page, 'GET', '/api/stacks');
    const { items } = (await list.json()) as { items: { id: string; name: string }[] };
    for (const stack of items.filter((s) => s.name === STACK)) {
      await apiCall(page, 'DELETE', `/api/stacks/${stack.id}?volumes=true`);
    }
  }
});
