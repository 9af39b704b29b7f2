// Browser test of «Мои отзывы» and «Обращения в поддержку» (issue 13): a customer with a
// received order writes a review from the order's page (stars are radio buttons: no JavaScript
// needed) → «Мои отзывы» shows it «На модерации» → a moderator (added with the CLI, enrolled
// through the pages) publishes it in the console → «Мои отзывы» shows it published and the
// product page shows it with the average. Then a support request: written from «Обращения в
// поддержку», answered by a support member in the console, the answer seen in the thread.
//
// Same ground rules as the other files (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh context per person.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  clickExpecting,
  cli,
  codeFor,
  inBrowser,
  newEmail,
  newPassword,
  path,
  staffMember,
  useBrowser,
  waitForPath,
} from './helpers.mjs';

useBrowser();

const label = (page, text) => page.getByLabel(text, { exact: true });

/** A customer (Анна Смирнова) registered over the API with a received courier order of one
 * product: { email, password, number, productId, title }. */
async function customerWithReceivedOrder() {
  const email = newEmail();
  const password = newPassword();
  const json = (body) => ({ 'content-type': 'application/json', ...body });
  const res = await fetch(`${BASE}/api/v1/auth/register`, {
    method: 'POST',
    headers: json(),
    body: JSON.stringify({ first_name: 'Анна', last_name: 'Смирнова', email, password }),
  });
  assert.equal(res.status, 202, await res.clone().text());
  const { flow_id } = await res.json();
  const verify = await fetch(`${BASE}/api/v1/auth/codes/verify`, {
    method: 'POST',
    headers: json(),
    body: JSON.stringify({ flow_id, code: await codeFor(email) }),
  });
  assert.equal(verify.status, 200, await verify.clone().text());
  const { token } = await verify.json();
  const auth = json({ authorization: `Bearer ${token}` });
  const products = await (await fetch(`${BASE}/api/v1/products?limit=100`)).json();
  // A product nobody has reviewed yet (each run adds reviews to the same demo catalogue).
  let product;
  for (const p of products.items.filter((p) => p.stock > 5).reverse()) {
    const r = await (await fetch(`${BASE}/api/v1/products/${p.id}/reviews`)).json();
    if (r.count === 0) {
      product = p;
      break;
    }
  }
  assert.ok(product, 'a product without reviews');
  const put = await fetch(`${BASE}/api/v1/cart/items/${product.id}`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ quantity: 1 }),
  });
  assert.equal(put.status, 200, await put.clone().text());
  const order = await fetch(`${BASE}/api/v1/orders`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': `review-${Date.now()}` },
    body: JSON.stringify({
      delivery: { method: 'courier', address: 'г. Тверь, ул. Советская, д. 5' },
      payment: { method: 'card', card: { number: '2200000000000004', exp_month: 12, exp_year: 2030, cvc: '123' } },
    }),
  });
  assert.equal(order.status, 201, await order.clone().text());
  const { number } = await order.json();
  for (const status of ['assembling', 'shipped', 'received']) cli(['orders', 'advance', number, status]);
  return { email, password, number, productId: product.id, title: product.title };
}

async function signInByPassword(page, login, password) {
  await page.goto(`${BASE}/login?by=password`);
  await label(page, 'Электронная почта или телефон').fill(login);
  await label(page, 'Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await waitForPath(page, '/account');
}

test('a review goes from «На модерации» to published on the product page', async (t) => {
  await inBrowser(t, async (newContext) => {
    const c = await customerWithReceivedOrder();
    const customer = await (await newContext()).newPage();
    await signInByPassword(customer, c.email, c.password);

    // From the received order's page: «Оставить отзыв» on the line.
    await customer.goto(`${BASE}/orders/${c.number}`);
    await customer.getByRole('link', { name: 'Оставить отзыв', exact: true }).click();
    await waitForPath(customer, '/account/reviews/new');
    await customer.getByRole('heading', { name: 'Оставить отзыв', exact: true }).waitFor();
    await customer.locator('label[for="rating-4"]').click();
    assert.ok(await customer.locator('#rating-4').isChecked());
    const text = `Хороший товар, доставили быстро ${Date.now().toString(36)}`;
    await label(customer, 'Отзыв').fill(text);
    await label(customer, 'Достоинства').fill('Цена и качество');
    await clickExpecting(customer, 'Отправить на модерацию', customer.getByRole('status'));
    assert.equal(path(customer), '/account/reviews');
    assert.match(await customer.getByRole('status').textContent(), /отправлен на модерацию/);
    const pending = customer.getByTestId('reviews-pending');
    assert.match(await pending.textContent(), new RegExp(text));
    assert.match(await pending.textContent(), /На модерации/);
    assert.equal(await customer.getByTestId('reviews-published').count(), 0);

    // Not on the product page yet.
    await customer.goto(`${BASE}/catalog/${c.productId}`);
    assert.equal(await customer.getByText(text).count(), 0);

    // A moderator publishes it from the console's queue.
    const m = await staffMember(newContext, 'moderator');
    await m.page.getByTestId('staff-home-reviews').click();
    await waitForPath(m.page, '/staff/reviews');
    const item = m.page.getByTestId('staff-review').filter({ hasText: text });
    await item.getByRole('button', { name: 'Опубликовать', exact: true }).click();
    await m.page.getByRole('status').waitFor();
    assert.match(await m.page.getByRole('status').textContent(), /Отзыв опубликован/);
    assert.equal(await m.page.getByTestId('staff-review').filter({ hasText: text }).count(), 0);

    // «Мои отзывы»: published now.
    await customer.goto(`${BASE}/account/reviews`);
    assert.match(await customer.getByTestId('reviews-published').textContent(), new RegExp(text));
    assert.equal(await customer.getByTestId('reviews-pending').count(), 0);

    // The product page: the review, its author as «Анна С.», and the average.
    await customer.goto(`${BASE}/catalog/${c.productId}`);
    assert.match(await customer.getByTestId('rating').textContent(), /4,0 · 1 отзыв/);
    const review = customer.getByTestId('review').filter({ hasText: text });
    assert.match(await review.textContent(), /Анна С\./);
    assert.match(await review.textContent(), /Цена и качество/);

    // On a phone nothing scrolls sideways.
    await customer.setViewportSize({ width: 390, height: 800 });
    for (const p of [`/catalog/${c.productId}`, '/account/reviews', `/account/reviews/new?product=${c.productId}`, `/orders/${c.number}`]) {
      await customer.goto(`${BASE}${p}`);
      const width = await customer.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${p} is ${width} px wide at 390 px`);
    }
  });
});

test('a support request is answered from the console and the answer is seen in the thread', async (t) => {
  await inBrowser(t, async (newContext) => {
    const c = await customerWithReceivedOrder();
    const customer = await (await newContext()).newPage();

    // Signed out, /support shows the shop's contacts and the way back in.
    await customer.goto(`${BASE}/support`);
    await customer.getByRole('heading', { name: 'Связаться с магазином', exact: true }).waitFor();
    assert.ok(await customer.getByRole('link', { name: /Забыли пароль/ }).count());

    await signInByPassword(customer, c.email, c.password);
    await customer.goto(`${BASE}/support`);
    const subject = `Вопрос о заказе ${Date.now().toString(36)}`;
    await label(customer, 'Тема').fill(subject);
    await label(customer, 'Заказ').selectOption(c.number);
    await label(customer, 'Сообщение').fill('Можно ли заменить товар на другой цвет?');
    await clickExpecting(customer, 'Отправить', customer.getByRole('status'));
    assert.equal((await customer.getByTestId('ticket-status').textContent()).trim(), 'Открыто');
    const thread = path(customer);

    const s = await staffMember(newContext, 'support');
    await s.page.goto(`${BASE}/staff/tickets`);
    await s.page.getByRole('link', { name: subject, exact: true }).click();
    await label(s.page, 'Ответ покупателю').fill('Да, оформите возврат и новый заказ.');
    await clickExpecting(s.page, 'Отправить', s.page.getByRole('status'));
    assert.equal((await s.page.getByTestId('ticket-status').textContent()).trim(), 'Есть ответ');

    await customer.goto(`${BASE}${thread}`);
    assert.equal((await customer.getByTestId('ticket-status').textContent()).trim(), 'Есть ответ');
    assert.match(await customer.getByTestId('messages').textContent(), /оформите возврат и новый заказ/);
    await customer.setViewportSize({ width: 390, height: 800 });
    for (const p of ['/support', thread]) {
      await customer.goto(`${BASE}${p}`);
      const width = await customer.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${p} is ${width} px wide at 390 px`);
    }
    await customer.getByRole('button', { name: 'Закрыть обращение', exact: true }).click();
    await customer.getByRole('status').waitFor();
    assert.equal((await customer.getByTestId('ticket-status').textContent()).trim(), 'Закрыто');
  });
});
