// Shared helpers for the browser tests (*.test.mjs in this folder).
//
// They drive real headless Debian Chromium (/usr/bin/chromium) through playwright-core against a
// running Kabinet server with the dev outbox on. Start one with tests/browser/run.sh, or point
// KABINET_URL at your own server and run `node --test tests/browser/`.
//
// Elements are found the way a customer finds them: by visible text and <label>s. Each test has
// its own browser context (own cookies) and its own random phone/email, so tests are independent.

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';

export const BASE = (process.env.KABINET_URL || 'http://127.0.0.1:18090').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
// Generous for a loaded CI machine; nothing waits this long when things work.
export const TIMEOUT_MS = 10_000;

let browser;

/** Launches Chromium before the tests of the calling file and closes it after them. */
export function useBrowser() {
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
}

/** A fresh browser context (own cookies, Russian browser) for one test; screenshots on failure. */
export async function inBrowser(t, body) {
  const contexts = [];
  const newContext = async (options = {}) => {
    const context = await browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 1100, height: 800 },
      ...options,
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
export function newPhone() {
  const d = randomDigits(7);
  return {
    e164: `+7916${d}`,
    written: `8 (916) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
    shown: `+7 916 ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
  };
}

export function newEmail() {
  return `bt-${Date.now().toString(36)}-${randomDigits(6)}@example.com`;
}

/** A password that passes the rules (8–128 characters, not a common one), new for each call. */
export function newPassword() {
  return `Кот в сапогах ${randomDigits(6)}`;
}

export async function outbox(to) {
  const res = await fetch(`${BASE}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  assert.equal(res.status, 200, `dev outbox answered ${res.status}; is KABINET_DEV_OUTBOX on?`);
  const body = await res.json();
  return body.items;
}

/**
 * The newest message to `to` after the first `seen` messages that has `field` (`code`, `link`).
 * Messages are queued and delivered by a background worker, so this waits (bounded) for it.
 */
export async function messageFor(to, seen = 0, field = 'code') {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const items = await outbox(to);
    const fresh = items.slice(seen).filter((m) => m[field]);
    if (fresh.length > 0) return fresh[fresh.length - 1];
    if (Date.now() > deadline) {
      assert.fail(`no ${field} arrived for ${to} in ${TIMEOUT_MS} ms; outbox: ${JSON.stringify(items)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The code of the newest message to `to` after the first `seen` messages. */
export async function codeFor(to, seen = 0) {
  return (await messageFor(to, seen, 'code')).code;
}

/** The link of the newest message to `to` after the first `seen` messages. */
export async function linkFor(to, seen = 0) {
  return (await messageFor(to, seen, 'link')).link;
}

/** "123456" → "123 456": customers copy codes with spaces; they must be accepted. */
export function withSpace(code) {
  const mid = Math.ceil(code.length / 2);
  return `${code.slice(0, mid)} ${code.slice(mid)}`;
}

// ---- page helpers -------------------------------------------------------------------------------

export const path = (page) => new URL(page.url()).pathname;

export function headerSignIn(page) {
  return page.locator('header').getByRole('link', { name: 'Войти', exact: true });
}

export async function waitForPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname);
}

/**
 * Clicks the button `name` and waits for `expected` (a locator that is NOT on the current page);
 * a refusal (role=alert) fails with its text instead of a timeout.
 */
export async function clickExpecting(page, name, expected) {
  await page.getByRole('button', { name, exact: true }).click();
  const alert = page.getByRole('alert');
  await expected.or(alert).first().waitFor();
  if (await alert.count()) {
    assert.fail(`«${name}» was refused: ${(await alert.first().textContent()).trim()}`);
  }
}

/** Fills «Антиспам-код» with the answer the dev outbox has for this form's captcha. */
export async function solveCaptcha(page) {
  const image = page.getByRole('img', { name: 'Картинка с антиспам-кодом', exact: true });
  await image.waitFor();
  assert.ok(
    await image.evaluate((img) => img.complete && img.naturalWidth > 0),
    'the captcha image loads',
  );
  const id = await page.locator('input[name="captcha_id"]').inputValue();
  assert.ok(id, 'the form carries a captcha id');
  await page.getByLabel('Антиспам-код', { exact: true }).fill(await codeFor(id));
}

/**
 * Clicks «Получить код» and expects the code page. When this address has asked for many codes
 * this hour (a whole browser suite signs in from 127.0.0.1), the form asks for «Антиспам-код»
 * first, as it would a customer: it is solved from the dev outbox and asked again. Any other
 * refusal (role=alert) fails with its text.
 */
export async function askForCode(page) {
  const code = page.getByLabel('Код', { exact: true });
  await page.getByRole('button', { name: 'Получить код', exact: true }).click();
  const alert = page.getByRole('alert');
  await code.or(alert).first().waitFor();
  if (!(await code.count()) && (await page.getByLabel('Антиспам-код', { exact: true }).count())) {
    await solveCaptcha(page);
    await clickExpecting(page, 'Получить код', code);
  } else if (await alert.count()) {
    assert.fail(`«Получить код» was refused: ${(await alert.first().textContent()).trim()}`);
  }
  assert.equal(path(page), '/login/code');
}

/** Phone sign-in from /login up to /account. */
export async function signInByPhone(page, phone) {
  await page.goto(`${BASE}/login`);
  const seen = (await outbox(phone.e164)).length;
  await page.getByLabel('Телефон', { exact: true }).fill(phone.written);
  await askForCode(page);
  const code = await codeFor(phone.e164, seen);
  await page.getByLabel('Код', { exact: true }).fill(withSpace(code));
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await waitForPath(page, '/account');
}

export async function signOutByMenu(page) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('button', { name: 'Выход', exact: true }).click();
  await headerSignIn(page).waitFor();
}

// ---- staff --------------------------------------------------------------------------------------

/** RFC 4648 base32 (the `secret=` of an `otpauth://` URI) → bytes. */
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/=+$/, '')) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The TOTP code of an authenticator app at `nowMs` (RFC 6238: HMAC-SHA1, 30 s, 6 digits). */
export function totp(secretBase32, nowMs = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** Runs the server's command line (`kabinet …`) on the server's database; returns its output. */
export function cli(args) {
  const bin = process.env.KABINET_CLI;
  const db = process.env.KABINET_CLI_DATABASE_URL;
  assert.ok(bin && db, 'KABINET_CLI and KABINET_CLI_DATABASE_URL must name the server binary and its database (tests/browser/run.sh sets them)');
  return execFileSync(bin, args, {
    env: { ...process.env, KABINET_DATABASE_URL: db, KABINET_BASE_URL: BASE, RUST_LOG: 'warn' },
    encoding: 'utf8',
  });
}

/** `kabinet staff add EMAIL --role ROLE` → the enrolment link's path. */
export function addStaff(email, role) {
  const out = cli(['staff', 'add', email, '--role', role]);
  const link = out.trim().split('\n').pop().trim();
  const enrol = new URL(link).pathname;
  assert.match(enrol, /^\/staff\/enrol\/[^/]+$/, out);
  return enrol;
}

export const STAFF_PASSWORD = 'Пароль сотрудника 2026';

/**
 * A new staff member of `role` in their own browser: added with the CLI, enrolled through the
 * pages (password, then the authenticator's code), then signed in with password + code.
 * Returns `{ email, page }` with the page on /staff.
 *
 * A code works once: the enrolment is confirmed with the code the app showed a moment ago
 * (the previous 30-s step, still accepted) and the sign-in uses the current one, so nobody
 * waits for the next step.
 */
export async function staffMember(newContext, role) {
  const label = (page, text) => page.getByLabel(text, { exact: true });
  const email = newEmail();
  const enrol = addStaff(email, role);
  const page = await (await newContext()).newPage();
  await page.goto(`${BASE}${enrol}`);
  await label(page, 'Пароль').fill(STAFF_PASSWORD);
  await clickExpecting(page, 'Дальше', page.getByTestId('totp-uri'));
  const uri = await page.getByTestId('totp-uri').getAttribute('href');
  assert.match(uri, /^otpauth:\/\/totp\//, uri);
  const secret = new URL(uri).searchParams.get('secret');
  assert.equal(secret, (await page.getByTestId('totp-secret').textContent()).trim().replace(/\s+/g, ''));
  // Each code works once and the server accepts one step either side: enrol with the current
  // step's code and sign in with the next step's, so neither can fall two steps behind when
  // the clock crosses a 30-second boundary between typing and the server reading it.
  await label(page, 'Код из приложения').fill(totp(secret));
  await page.getByRole('button', { name: 'Подтвердить', exact: true }).click();
  await waitForPath(page, '/staff/login');

  await label(page, 'Электронная почта').fill(email);
  await label(page, 'Пароль').fill(STAFF_PASSWORD);
  await label(page, 'Код из приложения').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  try {
    await waitForPath(page, '/staff');
  } catch (err) {
    const alert = page.getByRole('alert');
    if (await alert.count()) assert.fail(`staff sign-in refused: ${(await alert.first().textContent()).trim()}`);
    throw err;
  }
  return { email, page };
}

/** A new support member in their own browser, signed in (see `staffMember`). */
export const supportMember = (newContext) => staffMember(newContext, 'support');
