// Browser test of returns («Возвраты», issue 13, PRODUCT W4): a customer's order is received
// (moved along with the CLI, `kabinet orders advance`, as staff would); the customer opens it,
// presses «Вернуть товар», returns one item to the balance through the form; a support member
// (added with the CLI and enrolled through the pages) approves it in «Возвраты» of the console;
// the customer's «Баланс средств» shows the refund. The pages fit a 390 px phone.
//
// Same ground rules as the other files (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh context per person.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  BASE,
  clickExpecting,
  inBrowser,
  newPhone,
  path,
  signInByPhone,
  supportMember,
  useBrowser,
  waitForPath,
} from './helpers.mjs';

useBrowser();

/** `kabinet orders advance NUMBER STATUS`, step by step to `received`. */
function receive(number) {
  const cli = process.env.KABINET_CLI;
  const db = process.env.KABINET_CLI_DATABASE_URL;
  assert.ok(cli && db, 'KABINET_CLI and KABINET_CLI_DATABASE_URL must name the server binary and its database (tests/browser/run.sh sets them)');
  for (const status of ['assembling', 'shipped', 'ready_for_pickup', 'received']) {
    execFileSync(cli, ['orders', 'advance', number, status], {
      env: { ...process.env, KABINET_DATABASE_URL: db, KABINET_BASE_URL: BASE, RUST_LOG: 'warn' },
      encoding: 'utf8',
    });
  }
}

/** Fails when the page is wider than the window (the customer would scroll sideways). */
async function fitsTheScreen(page) {
  const { scroll, inner, wide } = await page.evaluate(() => {
    const inner = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > inner + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scroll: document.documentElement.scrollWidth, inner, wide };
  });
  assert.ok(scroll <= inner, `${path(page)} is ${scroll} px wide in a ${inner} px window: ${wide.join(', ')}`);
}

/** «1 299,00 ₽» → 129900 kopecks. */
function kopecks(text) {
  const m = text.replace(/[\s\u00a0]/g, '').match(/(-?\d+),(\d\d)₽/);
  assert.ok(m, `money in «${text}»`);
  return Number(m[1]) * 100 + Number(m[2]);
}

/** Two of a light product, paid by the sandbox's Mir card, through the API with the page's
 * own session cookie. Returns the order's number and the product's price. */
async function placeOrder(page) {
  const products = await (await page.request.get(`${BASE}/api/v1/products?limit=50`)).json();
  const product = products.items.find((p) => p.stock > 5 && p.weight_g < 5000 && p.price > 10000);
  const put = await page.request.put(`${BASE}/api/v1/cart/items/${product.id}`, { data: { quantity: 2 } });
  assert.equal(put.status(), 200, await put.text());
  const points = await (await page.request.get(`${BASE}/api/v1/pickup-points?lat=55.7558&lon=37.6173&limit=1&kind=pickup_point`)).json();
  const order = await page.request.post(`${BASE}/api/v1/orders`, {
    headers: { 'idempotency-key': `return-${Date.now()}` },
    data: {
      delivery: { method: 'pickup_point', pickup_point_id: points.items[0].id },
      payment: { method: 'card', card: { number: '2200000000000004', exp_month: 12, exp_year: 2030, cvc: '123' } },
    },
  });
  assert.equal(order.status(), 201, await order.text());
  return { number: (await order.json()).number, title: product.title, price: product.price };
}

test('a received order → one item back to the balance → support approves → «Баланс средств» shows the refund', async (t) => {
  await inBrowser(t, async (newContext) => {
    const customer = await (await newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signInByPhone(customer, newPhone());
    const { number, title, price } = await placeOrder(customer);
    receive(number);

    // The received order offers «Вернуть товар».
    await customer.goto(`${BASE}/orders/${number}`);
    await customer.getByRole('link', { name: 'Вернуть товар', exact: true }).click();
    await waitForPath(customer, '/account/returns/new');
    await customer.getByRole('heading', { name: new RegExp(`Возврат товара из заказа`) }).waitFor();
    await fitsTheScreen(customer);
    await customer.getByLabel(`Количество: ${title}`).fill('1');
    await customer.getByLabel('Причина', { exact: true }).selectOption({ label: 'Брак или повреждение' });
    await customer.getByLabel('Комментарий (необязательно)').fill('Не включается');
    await customer.getByLabel('На баланс').check();
    await clickExpecting(customer, 'Отправить заявку', customer.getByTestId('return-notice'));
    assert.equal(path(customer), '/account/returns');
    assert.match(await customer.getByTestId('return-notice').textContent(), /Заявка на возврат отправлена/);
    const item = customer.getByTestId('returns').locator('li').first();
    assert.equal((await item.getByTestId('return-status').textContent()).trim(), 'На рассмотрении');
    assert.equal(kopecks(await item.getByTestId('return-amount').textContent()), price);
    assert.equal((await item.getByTestId('return-to').textContent()).trim(), 'На баланс');
    await fitsTheScreen(customer);

    // Support: «Возвраты» in the console, the request, «Одобрить и вернуть деньги».
    const support = await supportMember(newContext);
    const staff = support.page;
    await staff.locator('header').getByRole('link', { name: 'Возвраты', exact: true }).click();
    await waitForPath(staff, '/staff/returns');
    await staff.getByTestId('returns').getByRole('link', { name: title, exact: true }).first().click();
    await staff.waitForURL((u) => /^\/staff\/returns\/[^/]+$/.test(u.pathname));
    assert.match(await staff.getByTestId('return-customer').textContent(), /\*\*\*/);
    await clickExpecting(staff, 'Одобрить и вернуть деньги', staff.getByTestId('return-notice'));
    assert.match(await staff.getByTestId('return-notice').textContent(), /деньги возвращены/);
    assert.equal((await staff.getByTestId('return-status').textContent()).trim(), 'Деньги возвращены');

    // The customer: the return is refunded, and the balance shows it.
    await customer.goto(`${BASE}/account/returns`);
    assert.equal((await customer.getByTestId('return-status').first().textContent()).trim(), 'Деньги возвращены');
    await customer.goto(`${BASE}/account/balance`);
    assert.equal(kopecks(await customer.getByTestId('balance').textContent()), price);
    const history = await customer.getByTestId('history').textContent();
    assert.match(history, /Возврат на баланс/);
    assert.match(history, new RegExp(number));
    await fitsTheScreen(customer);
  });
});
