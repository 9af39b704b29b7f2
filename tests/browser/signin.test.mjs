// Browser tests for sign-in, sign-out, sessions and the language switch.
//
// They drive real headless Debian Chromium (/usr/bin/chromium) through playwright-core against a
// running Kabinet server with the dev outbox on. Start one with tests/browser/run.sh, or point
// KABINET_URL at your own server and run `node --test tests/browser/`.
//
// Elements are found the way a customer finds them: by visible text and <label>s. Each test has
// its own browser context (own cookies) and its own random phone/email, so tests are independent.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.KABINET_URL || 'http://127.0.0.1:18090').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
// Generous for a loaded CI machine; nothing waits this long when things work.
const TIMEOUT_MS = 10_000;

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Without these Chromium hangs trying to reach Google on a closed network.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh browser context (own cookies, Russian browser) for one test; screenshots on failure. */
async function inBrowser(t, body) {
  const contexts = [];
  const newContext = async () => {
    const context = await browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 1100, height: 800 },
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    contexts.push(context);
    return context;
  };
  try {
    await body(newContext);
  } catch (err) {
    await mkdir(ARTIFACTS, { recursive: true });
    const slug = t.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 60);
    let n = 0;
    for (const context of contexts) {
      for (const page of context.pages()) {
        n += 1;
        const file = join(ARTIFACTS, `${slug}-${n}.png`);
        try {
          await page.screenshot({ path: file, fullPage: true });
          t.diagnostic(`screenshot: ${file} (${page.url()})`);
        } catch (shotErr) {
          t.diagnostic(`screenshot failed: ${shotErr.message}`);
        }
      }
    }
    throw err;
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
}

// ---- test data and the dev outbox ---------------------------------------------------------------

function randomDigits(n) {
  let s = '';
  for (let i = 0; i < n; i += 1) s += Math.floor(Math.random() * 10);
  return s;
}

/** A random Russian mobile number: the E.164 form and the way people write it at home. */
function newPhone() {
  const d = randomDigits(7);
  return {
    e164: `+7916${d}`,
    written: `8 (916) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
    shown: `+7 916 ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
  };
}

function newEmail() {
  return `bt-${Date.now().toString(36)}-${randomDigits(6)}@example.com`;
}

async function outbox(to) {
  const res = await fetch(`${BASE}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200, `dev outbox answered ${res.status}; is KABINET_DEV_OUTBOX on?`);
  const body = await res.json();
  return body.items;
}

/**
 * The code of the newest message to `to` after the first `seen` messages. Messages are queued and
 * delivered by a background worker, so this waits (bounded) for the message to arrive.
 */
async function codeFor(to, seen = 0) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const items = await outbox(to);
    const fresh = items.slice(seen).filter((m) => m.code);
    if (fresh.length > 0) return fresh[fresh.length - 1].code;
    if (Date.now() > deadline) {
      assert.fail(`no code arrived for ${to} in ${TIMEOUT_MS} ms; outbox: ${JSON.stringify(items)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** "123456" → "123 456": customers copy codes with spaces; they must be accepted. */
function withSpace(code) {
  const mid = Math.ceil(code.length / 2);
  return `${code.slice(0, mid)} ${code.slice(mid)}`;
}

// ---- page helpers -------------------------------------------------------------------------------

const path = (page) => new URL(page.url()).pathname;

function headerSignIn(page) {
  return page.locator('header').getByRole('link', { name: 'Войти', exact: true });
}

async function waitForPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname);
}

/** Clicks «Получить код» and expects the code page; a refusal (role=alert) fails with its text. */
async function askForCode(page) {
  await page.getByRole('button', { name: 'Получить код', exact: true }).click();
  const alert = page.getByRole('alert');
  await page.getByLabel('Код', { exact: true }).or(alert).waitFor();
  if (await alert.count()) {
    assert.fail(`«Получить код» was refused: ${(await alert.textContent()).trim()}`);
  }
  assert.equal(path(page), '/login/code');
}

/** Phone sign-in from /login up to /account. */
async function signInByPhone(page, phone) {
  await page.goto(`${BASE}/login`);
  const seen = (await outbox(phone.e164)).length;
  await page.getByLabel('Телефон', { exact: true }).fill(phone.written);
  await askForCode(page);
  const code = await codeFor(phone.e164, seen);
  await page.getByLabel('Код', { exact: true }).fill(withSpace(code));
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await waitForPath(page, '/account');
}

async function signOutByMenu(page) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('button', { name: 'Выход', exact: true }).click();
  await headerSignIn(page).waitFor();
}

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
    assert.equal((await alert.textContent()).trim(), 'Неверный код. Осталось попыток: 4.');
    assert.equal(path(page), '/login/code');
    assert.equal(await page.getByTestId('user-menu').count(), 0);

    await page.getByLabel('Код', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Войти', exact: true }).click();
    await waitForPath(page, '/account');
    assert.equal((await page.getByTestId('phone').textContent()).trim(), phone.shown);
  });
});

test('security page: «Выйти на всех устройствах» ends every session', async (t) => {
  await inBrowser(t, async (newContext) => {
    const phone = newPhone();
    const first = await (await newContext()).newPage();
    const second = await (await newContext()).newPage();

    await signInByPhone(first, phone);
    await signInByPhone(second, phone);

    await first.getByTestId('user-menu').click();
    await first.locator('header').getByRole('link', { name: 'Безопасность', exact: true }).click();
    await waitForPath(first, '/account/security');

    const sessions = first.locator('tr[data-session]');
    assert.equal(await sessions.count(), 2, 'both browsers are listed');
    const current = sessions.filter({ hasText: 'Это устройство' });
    assert.equal(await current.count(), 1, 'exactly one session is this device');
    assert.equal(await first.getByRole('button', { name: 'Завершить', exact: true }).count(), 2);
    await first.getByRole('button', { name: 'Завершить все другие сеансы', exact: true }).waitFor();

    await first.getByRole('button', { name: 'Выйти на всех устройствах', exact: true }).click();
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
