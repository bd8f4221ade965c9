import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { adminUser, requiredEnv, signIn } from '../support/session';

/** Screenshots go to e2e/artifacts/, where CI collects them. */
function artifactPath(name: string): string {
  return fileURLToPath(new URL(`../artifacts/${name}`, import.meta.url));
}

/** Names no earlier run used, so the spec can run again against the same server. */
function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

test('an admin creates a user, a team, a custom role and a grant, then audits them', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const username = uniqueName('e2e-user');
  const displayName = `E2E ${username.slice(-8)}`;
  const teamName = uniqueName('e2e-team');
  const roleName = uniqueName('e2e-role');
  await page.emulateMedia({ colorScheme: 'light' });

  await signIn(page, adminUser, password);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Admin', exact: true })
    .click();
  await expect(page).toHaveURL((url) => url.pathname === '/admin');
  const sections = page.getByRole('navigation', { name: 'Admin sections' });

  // Users: create one.
  await sections.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByLabel('Initial password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  // The shared schema refuses the short password next to its field, before any request.
  await expect(page.getByText('at least 12 characters', { exact: true })).toBeVisible();
  await page.getByLabel('Initial password').fill('e2e-user-password-1');
  await page.getByRole('button', { name: 'Create user' }).click();
  const userRow = page
    .getByRole('table', { name: 'Users' })
    .getByRole('row')
    .filter({ hasText: username });
  await expect(userRow).toContainText(displayName);
  await expect(userRow).toContainText('active');

  // Disabling asks first and says what ends; the edit drawer stays open on the user.
  await page.getByRole('button', { name: `Edit ${username}` }).click();
  const editor = page.getByRole('dialog', { name: `Edit ${username}` });
  // A short password is refused at its field; a long enough one is set.
  const newPassword = editor.getByLabel('New password');
  await newPassword.fill('short');
  await editor.getByRole('button', { name: 'Set password' }).click();
  await expect(newPassword).toHaveAttribute('aria-invalid', 'true');
  await expect(newPassword).toBeFocused();
  await newPassword.fill('e2e-member-password-2');
  await editor.getByRole('button', { name: 'Set password' }).click();
  await expect(editor.getByText('Password changed')).toBeVisible();
  await expect(newPassword).toHaveValue('');
  // So is the profile: a display name of 101 characters is refused, a shorter one saved.
  const shownName = editor.getByLabel('Display name');
  await shownName.fill('x'.repeat(101));
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(shownName).toHaveAttribute('aria-invalid', 'true');
  await expect(shownName).toBeFocused();
  await shownName.fill(`${displayName} ops`);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor.getByText('Saved', { exact: true })).toBeVisible();
  await editor.getByRole('button', { name: 'Disable account' }).click();
  const confirm = page.getByRole('dialog', { name: `Disable ${username}?` });
  await expect(confirm).toContainText('sessions and API tokens end at once');
  await confirm.getByRole('button', { name: 'Disable account' }).click();
  await expect(confirm).toBeHidden();
  await expect(editor.getByRole('button', { name: 'Enable account' })).toBeVisible();
  await expect(userRow).toContainText('disabled');
  await editor.getByRole('button', { name: 'Enable account' }).click();
  await page
    .getByRole('dialog', { name: `Enable ${username}?` })
    .getByRole('button', { name: 'Enable account' })
    .click();
  await expect(editor.getByRole('button', { name: 'Disable account' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await expect(userRow).toContainText('active');

  // Teams: create one and add the user.
  await sections.getByRole('link', { name: 'Teams', exact: true }).click();
  await page.getByLabel('Team name').fill(teamName);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('heading', { name: teamName, exact: true })).toBeVisible();
  // The same name again: the server's refusal is shown at the field it is about.
  await page.getByLabel('Team name').fill(teamName);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByLabel('Team name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('already taken', { exact: true })).toBeVisible();
  await page.getByLabel('User to add').selectOption({ label: `${username} (${displayName} ops)` });
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('table', { name: `Members of ${teamName}` })).toContainText(username);

  // Roles: a custom role with two permissions ticked in the matrix.
  await sections.getByRole('link', { name: 'Roles', exact: true }).click();
  const matrix = page.getByRole('table', { name: 'Permission matrix' });
  await expect(matrix.getByRole('columnheader', { name: 'Operator' })).toBeVisible();
  await page.getByRole('button', { name: 'New role' }).click();
  // Without a name or a permission it is refused at both, before anything is sent.
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByLabel('Role name')).toHaveAccessibleDescription('required');
  await expect(page.getByLabel('Role name')).toBeFocused();
  await expect(
    page.getByText('Tick at least one permission in the highlighted column.'),
  ).toBeVisible();
  await page.getByLabel('Role name').fill(roleName);
  const logs = matrix.getByRole('checkbox', { name: `container.logs for ${roleName}` });
  await logs.check();
  // The keyboard moves down the column and Space ticks: container.logs → container.stats.
  await logs.press('ArrowDown');
  await page.keyboard.press('Space');
  const stats = matrix.getByRole('checkbox', { name: `container.stats for ${roleName}` });
  await expect(stats).toBeChecked();
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('heading', { name: 'New custom role' })).toBeHidden();
  // Now a saved column: its name has rename and delete buttons.
  await expect(page.getByRole('button', { name: `Rename ${roleName}` })).toBeVisible();
  await expect(logs).toBeChecked();
  await expect(stats).toBeChecked();
  await expect(
    matrix.getByRole('checkbox', { name: `container.exec for ${roleName}` }),
  ).not.toBeChecked();
  await page.screenshot({ path: artifactPath('admin-roles.png'), fullPage: true });
  // Its name and description change in a dialog; an empty name is refused at the field.
  await page.getByRole('button', { name: `Rename ${roleName}` }).click();
  const rename = page.getByRole('dialog', { name: `Rename ${roleName}` });
  await rename.getByLabel('Role name').fill(' ');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename.getByLabel('Role name')).toHaveAccessibleDescription('required');
  await expect(rename.getByLabel('Role name')).toBeFocused();
  await rename.getByLabel('Role name').fill(roleName);
  await rename.getByLabel('Description (optional)').fill('Reads logs and stats');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename).toBeHidden();
  await expect(page.getByText('Reads logs and stats').first()).toBeVisible();

  // Grants: give the role to the team on the e2e host.
  await sections.getByRole('link', { name: 'Grants', exact: true }).click();
  await page.getByLabel('Show grants for').selectOption({ label: hostName });
  await expect(page).toHaveURL((url) => url.searchParams.has('host'));
  await expect(page.getByRole('heading', { name: `Grants reaching ${hostName}` })).toBeVisible();
  await page.getByRole('button', { name: 'Add grant' }).click();
  await page.getByRole('combobox', { name: 'Team', exact: true }).selectOption({ label: teamName });
  // The scope starts as the host picked above.
  await expect(page.getByLabel('One host')).toBeChecked();
  await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption({ label: roleName });
  await page.getByRole('button', { name: 'Add grant' }).click();
  const grantRow = page
    .getByRole('table', { name: 'Grants' })
    .getByRole('row')
    .filter({ hasText: teamName });
  await expect(grantRow).toContainText(roleName);
  await expect(grantRow).toContainText(hostName);

  // The host's security policy is one click away and starts with everything forbidden.
  await page.getByRole('link', { name: `Security policy of ${hostName}` }).click();
  await expect(page.getByRole('heading', { name: `Security policy of ${hostName}` })).toBeVisible();
  await expect(page.getByLabel('Forbid privileged containers')).toBeChecked();
  await expect(page.getByLabel('Forbid bind mounts')).toBeChecked();
  // A relative prefix is refused at its row; an absolute one is saved, then the defaults again.
  await page.getByLabel('Allow paths under listed prefixes').check();
  await page.getByRole('button', { name: 'Add prefix' }).click();
  const prefix = page.getByLabel('Allowed prefix 1');
  await prefix.fill('srv/data');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(prefix).toHaveAttribute('aria-invalid', 'true');
  await expect(prefix).toBeFocused();
  await prefix.fill('/srv/data');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText('Policy saved')).toBeVisible();
  await expect(page.getByLabel('Allowed prefix 1')).toHaveValue('/srv/data');
  await page.getByRole('button', { name: 'Restore safe defaults' }).click();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByLabel('Forbid bind mounts')).toBeChecked();
  await expect(page.getByText('Policy saved')).toBeVisible();

  // Audit log: every change above is recorded.
  await sections.getByRole('link', { name: 'Audit log', exact: true }).click();
  const log = page.getByRole('table', { name: 'Audit log' });
  const record = (action: string, text: string) =>
    log
      .getByRole('row')
      .filter({ has: page.getByRole('button', { name: action, exact: true }) })
      .filter({ hasText: text });
  await expect(record('user.create', username)).toBeVisible();
  await expect(record('team.create', teamName)).toBeVisible();
  await expect(record('team.member_add', teamName)).toBeVisible();
  await expect(record('role.create', roleName)).toBeVisible();
  await expect(record('grant.create', hostName).first()).toBeVisible();

  // Filtered by action, only role records remain.
  await page.getByLabel('Action', { exact: true }).selectOption('role.create');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('action') === 'role.create');
  await expect(log.getByRole('button', { name: 'team.create', exact: true })).toHaveCount(0);
  await expect(record('role.create', roleName)).toBeVisible();
  const actions = await log.locator('tbody').getByRole('button').allTextContents();
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(['role.create']));

  // The export links carry the same filters.
  const csvHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  expect(csvHref).toContain('action=role.create');
  const csv = await page.request.get(csvHref ?? '');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const exported = await csv.text();
  expect(exported).toContain(roleName);
  expect(exported).not.toContain(teamName);

  // The hash chain is intact.
  await page.getByRole('button', { name: 'Verify chain' }).click();
  const verdict = page.getByRole('status').filter({ hasText: 'Chain' });
  // The check reads the whole log, however long; give it more than the default wait.
  await expect(verdict).toContainText('Chain intact', { timeout: 30_000 });
  await expect(verdict).toContainText('records checked');
  await page.screenshot({ path: artifactPath('admin-audit.png'), fullPage: true });

  // A record's details open in a drawer.
  await record('role.create', roleName).getByRole('button').click();
  const drawer = page.getByRole('dialog', { name: 'role.create' });
  await expect(drawer.getByLabel('Details as JSON')).toContainText('container.stats');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // The same pages in dark mode.
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.screenshot({ path: artifactPath('admin-audit-dark.png'), fullPage: true });
  await sections.getByRole('link', { name: 'Roles', exact: true }).click();
  await expect(page.getByRole('button', { name: `Rename ${roleName}` })).toBeVisible();
  await page.screenshot({ path: artifactPath('admin-roles-dark.png'), fullPage: true });
});

test('someone who is not an administrator is not offered the admin area, and is refused it', async ({
  page,
}) => {
  const password = requiredEnv('BERTH_ADMIN_PASSWORD');
  const username = uniqueName('e2e-member');
  const memberPassword = 'e2e-member-password-1';

  await signIn(page, adminUser, password);
  // Set up through the API with the admin's session; the UI for this is covered above.
  const me = await page.request.get('/api/auth/me');
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  const created = await page.request.post('/api/users', {
    headers: { 'X-CSRF-Token': csrfToken },
    data: { username, password: memberPassword },
  });
  expect(created.status()).toBe(201);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/login');

  await signIn(page, username, memberPassword);
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  await expect(mainNav.getByRole('link', { name: /Containers/ })).toBeVisible();
  await expect(mainNav.getByRole('link', { name: /Admin/ })).toHaveCount(0);
  await page.goto('/admin/audit');
  await expect(page.getByText('Administrators only')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Admin sections' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Audit log' })).toHaveCount(0);
});
