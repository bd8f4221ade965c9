import { expect, test, type Page } from '@playwright/test';
import { TOTP } from 'otpauth';
import { adminUser, apiCall, requiredEnv, signIn } from '../support/session';
import { screens } from '../support/screens';

/*
 * The Account page as a new user lives in it: a password changed with the current one, an API
 * token made for the docker CLI that works on the gateway until it is revoked, another session
 * ended from the list, and two-factor sign-in turned on, used with a recovery code and turned off.
 */

const PASSWORD = 'account-e2e-password-1';
const NEW_PASSWORD = 'account-e2e-password-2';

function codeFor(secret: string): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate();
}

async function signInForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test.describe.configure({ timeout: 300_000 });

/** Pages answer slowly while the machine builds. */
const SLOW = { timeout: 30_000 };

test('a user manages their own password, tokens, sessions and two-factor sign-in', async ({
  page,
  browser,
}) => {
  const admin = requiredEnv('BERTH_ADMIN_PASSWORD');
  const hostName = requiredEnv('BERTH_E2E_HOST_NAME');
  const username = `e2e-account-${Date.now().toString(36)}`;
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, adminUser, admin);
  const hosts = (await (await apiCall(page, 'GET', '/api/hosts')).json()) as {
    id: string;
    name: string;
  }[];
  const hostId = hosts.find((h) => h.name === hostName)?.id ?? '';
  // An administrator, so the gateway answers the token on the fleet host without a grant.
  const made = await apiCall(page, 'POST', '/api/users', {
    username,
    password: PASSWORD,
    isAdmin: true,
  });
  expect(made.status()).toBe(201);
  await page.context().clearCookies();
  await signIn(page, username, PASSWORD);

  await test.step('the user name opens the Account page', async () => {
    await page.getByRole('link', { name: new RegExp(username) }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/account');
    await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible();
    await screens(page, 'account');
  });

  await test.step('a wrong current password is named at its field; the right one changes it', async () => {
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('wrong password')).toBeVisible();
    await screens(page, 'account-password-wrong');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText(/Password changed/)).toBeVisible();
    await expect(page.getByLabel('Current password')).toHaveValue('');
  });

  let token = '';
  await test.step('a token is shown once with a docker CLI setup for the chosen host', async () => {
    await page.getByLabel('Token name').fill('laptop docker CLI');
    await page.getByLabel('Expires after').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    token = (await page.getByTestId('new-token').textContent()) ?? '';
    expect(token).toMatch(/^\S{20,}$/);
    await page.getByLabel('Docker CLI for host').selectOption({ label: hostName });
    const setup = page.getByLabel('Docker CLI setup');
    await expect(setup).toContainText(`/api/hosts/${hostId}/docker`);
    await expect(setup).toContainText('export DOCKER_HOST=tcp://');
    await expect(setup).toContainText(`{"HttpHeaders":{"Authorization":"Bearer ${token}"}}`);
    await screens(page, 'account-token-created');
    const ping = await page.request.get(`/api/hosts/${hostId}/docker/_ping`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ping.status()).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('new-token')).toHaveCount(0);
    const row = page.getByRole('row', { name: /laptop docker CLI/ });
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: 'Revoke laptop docker CLI' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toHaveCount(0);
    const refused = await page.request.get(`/api/hosts/${hostId}/docker/_ping`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status()).toBe(401);
  });

  await test.step('another session is listed and ended; it is signed out', async () => {
    const other = await browser.newContext();
    const elsewhere = await other.newPage();
    try {
      await elsewhere.goto('/login');
      await signInForm(elsewhere, username, NEW_PASSWORD);
      await expect(elsewhere).toHaveURL((url) => url.pathname === '/');
      await page.reload();
      const sessions = page.getByRole('table', { name: 'Your sessions' });
      // The header row, this session and the other one (the password change ended the rest).
      await expect(sessions.getByRole('row')).toHaveCount(3, SLOW);
      await screens(page, 'account-sessions');
      await sessions.getByRole('button', { name: /^End the session/ }).click();
      await expect(sessions.getByRole('row')).toHaveCount(2, SLOW);
      await elsewhere.goto('/containers');
      await expect(elsewhere).toHaveURL((url) => url.pathname === '/login', SLOW);
    } finally {
      await other.close();
    }
  });

  let recovery: string[] = [];
  await test.step('two-factor sign-in: QR code, a code from the app, recovery codes once', async () => {
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expect(
      page.getByRole('img', { name: 'QR code for your authenticator app' }),
    ).toBeVisible();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect(page.getByLabel('Code from the app')).toHaveAttribute('aria-invalid', 'true');
    await screens(page, 'account-two-factor-setup');
    await page.getByLabel('Code from the app').fill(codeFor(secret));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect(codes).toHaveCount(10, SLOW);
    recovery = await codes.allTextContents();
    await screens(page, 'account-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await expect(page.getByRole('button', { name: 'Turn off two-factor sign-in' })).toBeVisible();
  });

  await test.step('signing in asks for the code; a recovery code works', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/login');
    await signInForm(page, username, NEW_PASSWORD);
    const code = page.getByLabel('Two-factor code');
    await expect(code).toBeVisible();
    await screens(page, 'login-two-factor');
    await code.fill(recovery[0] ?? '');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/');
  });

  await test.step('two-factor sign-in is turned off with the password', async () => {
    await page.goto('/account');
    // The Password panel is also labelled "Password": the field is the two-factor panel's.
    const twoFactor = page.getByRole('region', { name: 'Two-factor sign-in' });
    await twoFactor.getByLabel('Password', { exact: true }).fill('not-my-password');
    await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await expect(page.getByText('wrong password')).toBeVisible();
    await twoFactor.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await expect(page.getByRole('button', { name: 'Turn on two-factor sign-in' })).toBeVisible();
  });
});
