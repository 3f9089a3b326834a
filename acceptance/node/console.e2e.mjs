// End-to-end test of the web console (:9091/webui) in headless Chromium, driven by playwright-core (no browser
// download: CHROMIUM_PATH names Debian's chromium). WebConsoleBrowserTest starts the server with authentication on,
// creates collection `console_docs` with 3 rows over REST, and runs this with CONSOLE_URL set. Screenshots of the
// main pages go to SCREENSHOT_DIR when set. Exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.CONSOLE_URL;
const executablePath = process.env.CHROMIUM_PATH;
const shots = process.env.SCREENSHOT_DIR;
if (!base || !executablePath) {
  throw new Error('set CONSOLE_URL (http://host:port/webui/) and CHROMIUM_PATH');
}
const TIMEOUT_MS = 15_000;
const password = 'Console-pw-1';

const browser = await chromium.launch({ executablePath, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const violations = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const shot = async (name) => {
    if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
  };

  await page.goto(base);
  await page.locator('#page-login').waitFor({ state: 'visible' });

  // A wrong password is refused with the same message an unknown user gets.
  await page.fill('#login-user', 'root');
  await page.fill('#login-password', 'wrong-password');
  await page.click('#login-submit');
  await page.locator('#status', { hasText: "Login failed: user hasn't authenticated" }).waitFor();
  await page.fill('#login-user', 'no_such_user');
  await page.fill('#login-password', 'wrong-password');
  await page.click('#login-submit');
  await page.locator('#status', { hasText: "Login failed: user hasn't authenticated" }).waitFor();
  await page.fill('#login-user', 'root');
  await shot('login');

  await page.fill('#login-password', 'Milvus');
  await page.click('#login-submit');
  await page.locator('#who-name', { hasText: 'root' }).waitFor();
  assert.ok(!page.url().includes('Milvus'), 'no credentials in the URL');
  const storage = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(storage, 0, 'nothing in browser storage');
  assert.ok(!(await page.evaluate(() => document.cookie)).includes('vv_console'), 'the session cookie is HttpOnly');
  const cookie = (await context.cookies()).find((c) => c.name === 'vv_console');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');

  // The collection with its rows, load state, index and schema.
  const collectionRow = page.locator('#collections-table tr', { hasText: 'console_docs' });
  await collectionRow.locator('td').nth(1).filter({ hasText: /^3$/ }).waitFor();
  await collectionRow.locator('td', { hasText: 'LoadStateLoaded' }).waitFor();
  await collectionRow.locator('td', { hasText: 'FloatVector' }).waitFor();
  await collectionRow.locator('td', { hasText: 'Finished' }).waitFor();
  await shot('collections');

  // A role with a grant, a user, and the role granted to the user.
  await page.click('nav button[data-page=roles]');
  await page.fill('#role-create input[name=roleName]', 'console_reader');
  await page.click('#role-create button[type=submit]');
  await page.locator('#roles-table td', { hasText: 'console_reader' }).first().waitFor();
  await page.fill('#role-grant input[name=roleName]', 'console_reader');
  await page.fill('#role-grant input[name=privilege]', 'Query');
  await page.click('#role-grant button[value=grant]');
  await page.locator('#roles-table tr', { hasText: 'console_reader' }).locator('td', { hasText: 'Query' }).waitFor();
  await shot('roles');

  await page.click('nav button[data-page=users]');
  await page.fill('#user-create input[name=userName]', 'console_user');
  await page.fill('#user-create input[name=password]', password);
  await page.click('#user-create button[type=submit]');
  await page.locator('#users-table td', { hasText: /^console_user$/ }).waitFor();
  await page.fill('#user-role input[name=userName]', 'console_user');
  await page.fill('#user-role input[name=roleName]', 'console_reader');
  await page.click('#user-role button[value=grant]');
  await page.locator('#users-table tr', { hasText: 'console_user' }).locator('td', { hasText: 'console_reader' })
    .waitFor();
  await shot('users');

  await page.click('nav button[data-page=query]');
  await page.fill('#query-form input[name=collectionName]', 'console_docs');
  await page.fill('#query-form input[name=vector]', '[0.1, 0.2, 0.3, 0.4]');
  await page.fill('#query-form input[name=limit]', '2');
  await page.click('#query-form button[value=search]');
  await page.locator('#query-result', { hasText: '"id"' }).waitFor();
  await shot('query');

  await page.click('nav button[data-page=audit]');
  await page.locator('#audit-table td', { hasText: 'login_failed' }).first().waitFor();
  await page.locator('#audit-table td', { hasText: 'privilege_granted' }).first().waitFor();
  await page.locator('#audit-table td', { hasText: 'user_role_added' }).first().waitFor();
  await shot('audit');

  // A state-changing request without the CSRF token is refused, even with the session cookie.
  const refused = await page.evaluate(async () => {
    const response = await fetch('/webui/api/v2/vectordb/users/create', { method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userName: 'csrf_less', password: 'Csrf-less-1' }) });
    return response.status;
  });
  assert.equal(refused, 403, 'a request without the CSRF token is refused');

  await page.click('#logout');
  await page.locator('#page-login').waitFor({ state: 'visible' });
  const after = await page.evaluate(async () => (await fetch('/webui/api/session')).status);
  assert.equal(after, 401, 'logout ended the session');
  assert.deepEqual(violations, [], 'no Content-Security-Policy violations');
  console.log('console e2e: ok');
} finally {
  await browser.close();
}
