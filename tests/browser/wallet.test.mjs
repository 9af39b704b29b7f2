// Browser tests for «Сертификаты и промокоды» and «Баланс средств» (issue 11) on a phone
// (390 px): a customer finds the page in the name menu, mistypes the demo certificate (the error
// is said in words and what was typed stays), activates it typed as people copy it, sees the
// amount credited, and finds it on the balance page under its masked number. No page scrolls
// sideways.
//
// It activates the demo database's one unused certificate (README), so it expects the fresh
// demo database that run.sh starts; on a server where it was already used it says so.
//
// The second test pays with the wallet: a certificate issued for it by the same binary on the
// same database (`kabinet certificates issue`; run.sh names both) is activated by its code word
// by the demo customer (+7 999 000-00-01: points, a balance and a saved Mir card), then checkout
// pays with points + the balance + the card, the order page names each part, and cancelling
// gives all three back.
//
// Same ground rules as the other files (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh context and phone per test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BASE, clickExpecting, inBrowser, newPhone, path, signInByPhone, useBrowser, waitForPath } from './helpers.mjs';

useBrowser();

const PHONE = { width: 390, height: 844 };
const DEMO_NUMBER = 'KABN-ETDE-M234-567X';

async function fitsTheScreen(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `${path(page)} is ${scroll} px wide in a ${inner} px window`);
}

test('a customer activates the demo certificate from the name menu and sees it on the balance', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext({ viewport: PHONE })).newPage();
    await signInByPhone(page, newPhone());

    await page.getByTestId('user-menu').click();
    await page.locator('header').getByRole('link', { name: 'Сертификаты и промокоды', exact: true }).click();
    await waitForPath(page, '/account/certificates');
    await page.getByRole('heading', { name: 'Сертификаты и промокоды', exact: true }).waitFor();
    await fitsTheScreen(page);

    const code = page.getByLabel('Номер сертификата или кодовое слово', { exact: true });
    // A wrong check character: a typo, said in words, and what was typed stays to be corrected.
    await code.fill('KABN-ETDE-M234-567W');
    await page.getByRole('button', { name: 'Активировать', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /опечатка/);
    assert.equal(await code.inputValue(), 'KABN-ETDE-M234-567W');

    await code.fill(' kabn etde m234 567x ');
    await page.getByRole('button', { name: 'Активировать', exact: true }).click();
    const done = page.getByRole('status');
    await done.or(alert).first().waitFor();
    if (await alert.count()) {
      assert.fail(`the demo certificate ${DEMO_NUMBER} was refused (used already on this server?): ${(await alert.textContent()).trim()}`);
    }
    assert.match(await done.textContent(), /KABN-••••-••••-567X активирован: на баланс зачислено 3\u00a0000,00\u00a0₽/);
    await fitsTheScreen(page);

    await page.getByTestId('balance').click();
    await waitForPath(page, '/account/balance');
    await page.getByRole('heading', { name: 'Баланс средств', exact: true }).waitFor();
    assert.equal((await page.getByTestId('balance').textContent()).trim(), '3\u00a0000,00\u00a0₽');
    const history = await page.getByTestId('history').textContent();
    assert.match(history, /Подарочный сертификат/);
    assert.match(history, /KABN-••••-••••-567X/);
    assert.ok(!history.includes(DEMO_NUMBER), 'the full number is never shown');
    await fitsTheScreen(page);
  });
});

const DEMO = { e164: '+79990000001', written: '999 000-00-01' };

/** One new certificate of `rubles`: [number, code word]. */
function issueCertificate(rubles) {
  const cli = process.env.KABINET_CLI;
  const db = process.env.KABINET_CLI_DATABASE_URL;
  assert.ok(cli && db, 'KABINET_CLI and KABINET_CLI_DATABASE_URL must name the server binary and its database (tests/browser/run.sh sets them)');
  const out = execFileSync(cli, ['certificates', 'issue', '--value', String(rubles), '--count', '1'], {
    env: { ...process.env, KABINET_DATABASE_URL: db, RUST_LOG: 'warn' },
    encoding: 'utf8',
  });
  const line = out.trim().split('\n').pop();
  const [number, word] = line.split('\t');
  assert.match(number, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/, out);
  assert.ok(word && word.includes('-'), out);
  return [number, word];
}

/** «1 299,00 ₽» → 129900 kopecks. */
function kopecks(text) {
  const m = text.replace(/[\s\u00a0]/g, '').match(/(-?\d+),(\d\d)₽/);
  assert.ok(m, `money in «${text}»`);
  return Number(m[1]) * 100 + Math.sign(Number(m[1]) || 1) * Number(m[2]);
}

const squash = async (locator) => (await locator.textContent()).replace(/[ \t\n\r]+/g, ' ').trim();

async function balanceOnPage(page) {
  await page.goto(`${BASE}/account/balance`);
  return kopecks(await squash(page.getByTestId('balance')));
}

async function pointsOnPage(page) {
  await page.goto(`${BASE}/account/points`);
  return Number((await squash(page.getByTestId('points'))).replace(/\D/g, ''));
}

test('a certificate by code word → the balance → points + balance + card → each part named → cancel gives all three back', async (t) => {
  const [, word] = issueCertificate(3000);
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    await signInByPhone(page, DEMO);
    const balanceBefore = await balanceOnPage(page);

    // «Сертификаты и промокоды»: the code word, typed as a customer would, in capitals.
    await page.goto(`${BASE}/account/certificates`);
    await page.getByLabel('Номер сертификата или кодовое слово', { exact: true }).fill(word.toUpperCase());
    await clickExpecting(page, 'Активировать', page.getByRole('status'));
    assert.match(await squash(page.getByRole('status')), /3\u00a0000,00\u00a0₽/);
    const balance = await balanceOnPage(page);
    assert.equal(balance, balanceBefore + 300_000);
    const points = await pointsOnPage(page);
    assert.ok(points > 0, 'the demo customer has points');

    // A product that costs more than the balance and the points together, so the card pays too.
    const items = (await (await fetch(`${BASE}/api/v1/products?limit=100`)).json()).items;
    const product = items.find((p) => p.stock >= 2 && p.weight_g <= 5_000 && p.price * 0.75 > balance + 100);
    assert.ok(product, 'a product dearer than the balance');
    await page.goto(`${BASE}/catalog/${product.id}`);
    await clickExpecting(page, 'В корзину', page.getByTestId('in-cart'));
    await page.goto(`${BASE}/checkout`);
    const spend = Math.min(points, Math.floor(product.price / 400));
    await page.getByLabel('Списать баллы', { exact: true }).fill(String(spend));
    await page.getByLabel('Оплатить с баланса средств', { exact: true }).check();
    // The demo customer's saved Mir card is the preselected payment.
    assert.ok(await page.getByRole('radio', { name: /^Мир/ }).isChecked());
    await clickExpecting(page, 'Оплатить', page.getByRole('heading', { name: 'Спасибо за заказ!', exact: true }));
    const number = path(page).split('/')[2];

    // The order page names each part.
    await page.goto(`${BASE}/orders/${number}`);
    assert.equal(kopecks(await squash(page.getByTestId('paid-points'))), spend * 100);
    assert.equal(kopecks(await squash(page.getByTestId('paid-balance'))), balance);
    const card = await squash(page.getByTestId('paid-with'));
    assert.match(card, /^Мир\u00a0·· \d{4}: /);
    const total = kopecks(await squash(page.getByTestId('total')));
    assert.equal(kopecks(card), total - spend * 100 - balance);
    assert.equal(await balanceOnPage(page), 0);
    assert.equal(await pointsOnPage(page), points - spend);

    // Cancel: the card is refunded, points and balance are back at once.
    await page.goto(`${BASE}/orders/${number}/cancel`);
    await page.getByRole('button', { name: 'Да, отменить заказ', exact: true }).click();
    await waitForPath(page, `/orders/${number}`);
    assert.match(await squash(page.getByTestId('refund')), /Мир.*баллы, бонусы и деньги с баланса вернулись/);
    assert.equal(await balanceOnPage(page), balance);
    assert.equal(await pointsOnPage(page), points);
  });
});
