import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { TestGitServer } from '../../apps/server/test/support/git-server';
import { BUSYBOX } from '../support/fleet-containers';
import { artifactPath } from '../support/fleet';
import { FleetDocker } from '../support/fleet-docker';
import { apiCall, adminUser, requiredEnv, signIn } from '../support/session';
import { screens } from '../support/screens';

const RUN = randomBytes(4).toString('hex');
const STACK = `e2e-git-${RUN}`;
const HOST = 'fleet-b';
const LOGIN = { username: 'deployer', password: `e2e-git-token-${RUN}` };

test('a stack is created from a git repository in the form: a refused login at its field, then built and deployed, the token not shown again', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const docker = new FleetDocker();
  const git = await TestGitServer.start(LOGIN);
  await git.repository('shop', [
    {
      files: {
        'deploy/compose.yaml': 'services:\n  app:\n    build: ../app\n',
        'app/Dockerfile': `FROM ${BUSYBOX}\nCOPY message.txt /message.txt\nCMD ["sleep", "3600"]\n`,
        'app/message.txt': `from git ${RUN}\n`,
      },
    },
  ]);
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  try {
    await page.goto('/stacks/new');
    await page
      .getByRole('navigation', { name: 'Stack source' })
      .getByRole('link', { name: 'Git repository' })
      .click();
    const form = page.getByRole('form', { name: 'New stack from git' });
    const host = form.getByLabel('Host', { exact: true });
    await expect(host.locator('option', { hasText: HOST })).toHaveCount(1);
    await host.selectOption({ label: HOST });
    await form.getByLabel('Name', { exact: true }).fill(STACK);
    await form.getByLabel('Repository URL').fill(git.repoUrl('shop'));
    await form.getByLabel('Branch or tag').fill('main');
    await form.getByLabel('Compose file path').fill('deploy/compose.yaml');
    await form.getByLabel('Username').fill(LOGIN.username);
    const token = form.getByLabel('Token');
    await expect(token).toHaveAttribute('type', 'password');
    await token.fill('not-the-token');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await expect(token).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText('the repository refused the login');

    await token.fill(LOGIN.password);
    await form.getByRole('button', { name: 'Deploy' }).click();
    const progress = form.getByTestId('deploy-progress');
    await expect(progress).toContainText('Deployed', { timeout: 120_000 });
    await expect(token).toHaveValue('');
    expect(
      docker.run('BERTH_FLEET_B_URL', [
        'inspect',
        '-f',
        '{{.Config.Image}} {{.State.Status}}',
        `${STACK}-app-1`,
      ]),
    ).toBe(`${STACK}-app running`);
    expect(docker.run('BERTH_FLEET_B_URL', ['exec', `${STACK}-app-1`, 'cat', '/message.txt'])).toBe(
      `from git ${RUN}`,
    );
    await screens(page, 'stack-git-form');
    expect(await page.content()).not.toContain(LOGIN.password);

    // The stack's plan names the build: an unchanged repository rebuilds to the same image.
    await form.getByRole('link', { name: 'Open the stack' }).click();
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: `Edit ${STACK}` });
    await edit.getByRole('button', { name: 'Plan' }).click();
    await expect(edit.getByRole('list', { name: 'Service changes' })).toContainText(
      `build app (${STACK}-app)`,
    );
    await page.screenshot({ path: artifactPath('stack-git-plan.png'), fullPage: true });
  } finally {
    const list = await apiCall(page, 'GET', '/api/stacks');
    const { items } = (await list.json()) as { items: { id: string; name: string }[] };
    for (const stack of items.filter((s) => s.name === STACK)) {
      await apiCall(page, 'DELETE', `/api/stacks/${stack.id}?volumes=true`);
    }
    docker.cleanUp(['BERTH_FLEET_B_URL'], `com.docker.compose.project=${STACK}`);
    await git.stop();
  }
});
