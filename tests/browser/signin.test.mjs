// Browser tests for sign-in, sign-out, sessions and the language switch.
//
// They drive real headless Debian Chromium (/usr/bin/chromium) through playwright-core against a
// running Kabinet server with the dev outbox on. Start one with tests/browser/run.sh, or point
// KABINET_URL at your own server and run `node --test tests/browser/`. Shared helpers (browser,
// random contacts, the dev outbox) are in helpers.mjs.
//
// Elements are found the way a customer finds them: by visible text and <label>s. Each test has
// its own browser context (own cookies) and its own random phone/email, so tests are independent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  askForCode,
  codeFor,
  headerSignIn,
  inBrowser,
  newEmail,
  newPhone,
  path,
  signInByPhone,
  signOutByMenu,
  useBrowser,
  waitForPath,
  withSpace,
} from './helpers.mjs';

useBrowser();

// ---- tests --------------------------------------------------------------------------------------

test('phone: sign in with a code typed with a space, then sign out', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const phone = newPhone();

    await page.goto(`${BASE}/`);
    await headerSignIn(page).click();
    await waitForPath(page, '/login');

    await page.getByLabel('Телефон', { exact: true }).fill(phone.written);
    await askForCode(page);
    assert.ok(new URL(page.url()).searchParams.get('flow'), 'the code page knows its flow');

    const code = await codeFor(phone.e164);
    assert.match(code, /^\d{4,8}$/);
    await page.getByLabel('Код', { exact: true }).fill(withSpace(code));
    await page.getByRole('button', { name: 'Войти', exact: true }).click();

    await waitForPath(page, '/account');
    assert.equal((await page.getByTestId('phone').textContent()).trim(), phone.shown);
    // A new account by phone has no name yet.
    assert.equal((await page.getByTestId('user-menu').textContent()).trim(), 'Профиль');

    await page.getByTestId('user-menu').click();
    await page.getByRole('button', { name: 'Выход', exact: true }).click();
    await headerSignIn(page).waitFor();
    assert.equal(await page.getByTestId('user-menu').count(), 0);

    await page.goto(`${BASE}/account`);
    await waitForPath(page, '/login');
  });
});

test('email: sign in by email code, then sign out', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const email = newEmail();

    await page.goto(`${BASE}/login`);
    await page.getByRole('link', { name: 'Войти по почте', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('by') === 'email');

    await page.getByLabel('Электронная почта', { exact: true }).fill(email);
    await askForCode(page);

    const code = await codeFor(email);
    await page.getByLabel('Код', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Войти', exact: true }).click();

    await waitForPath(page, '/account');
    assert.match(await page.getByTestId('email').textContent(), new RegExp(email.replace(/[.+]/g, '\\$&')));

    await signOutByMenu(page);
    assert.equal(await page.getByTestId('user-menu').count(), 0);
  });
});

test('a wrong code shows an error, then the right code signs in', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const phone = newPhone();

    await page.goto(`${BASE}/login`);
    await page.getByLabel('Телефон', { exact: true }).fill(phone.written);
    await askForCode(page);
    const code = await codeFor(phone.e164);

    // A code of the right length that is certainly not the one sent.
    const wrong = code.replace(/\d/g, (c, i) => (i === 0 ? String((Number(c) + 1) % 10) : c));
    await page.getByLabel('Код', { exact: true }).fill(wrong);
    await page.getByRole('button', { name: 'Войти', exact: true }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), 'Неверный код. Осталось 4 попытки.');
    assert.equal(path(page), '/login/code');
    assert.equal(await page.getByTestId('user-menu').count(), 0);

    await page.getByLabel('Код', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Войти', exact: true }).click();
    await waitForPath(page, '/account');
    assert.equal((await page.getByTestId('phone').textContent()).trim(), phone.shown);
  });
});

test('security page: «Выйти на всех устройствах» asks, then ends every session', async (t) => {
  await inBrowser(t, async (newContext) => {
    const phone = newPhone();
    const first = await (await newContext()).newPage();
    const second = await (await newContext()).newPage();

    await signInByPhone(first, phone);
    await signInByPhone(second, phone);

    await first.getByTestId('user-menu').click();
    await first.locator('header').getByRole('link', { name: 'Безопасность', exact: true }).click();
    await waitForPath(first, '/account/security');

    const sessions = first.locator('li[data-session]');
    assert.equal(await sessions.count(), 2, 'both browsers are listed');
    const current = sessions.filter({ hasText: 'Это устройство' });
    assert.equal(await current.count(), 1, 'exactly one session is this device');
    const summary = (name) => first.locator('summary').filter({ hasText: new RegExp(`^${name}$`) });
    assert.equal(await summary('Завершить').count(), 2);
    await summary('Завершить все другие сеансы').waitFor();

    // Each of these asks first: the summary opens a confirmation, nothing ends yet.
    await summary('Выйти на всех устройствах').click();
    assert.equal(await sessions.count(), 2, 'nothing ended by opening the confirmation');
    await first.getByRole('button', { name: 'Да, выйти везде', exact: true }).click();
    await headerSignIn(first).waitFor();
    assert.equal(await first.getByTestId('user-menu').count(), 0);

    await second.reload();
    await waitForPath(second, '/login');
    await headerSignIn(second).waitFor();
  });
});

test('language switch: «English» in the footer switches the UI to English', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();

    await page.goto(`${BASE}/login`);
    await headerSignIn(page).waitFor();
    await page.locator('footer').getByRole('link', { name: 'English', exact: true }).click();

    await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(path(page), '/login', 'the switch comes back to the same page');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByLabel('Phone', { exact: true }).waitFor();
    await page.locator('footer').getByRole('link', { name: 'Русский', exact: true }).waitFor();
  });
});
