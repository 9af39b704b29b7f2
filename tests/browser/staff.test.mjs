// Browser test of the staff console's support-assisted recovery (issue 12, PRODUCT A9,
// SECURITY 28): a customer who lost their email files a case on «Заявка в поддержку»; two
// support members — added with the CLI (`kabinet staff add`, run.sh names the binary and its
// database), enrolled through the pages with an authenticator computed here (RFC 6238) — each
// sign in once in their own browser and approve; the one-time link reaches the new email; the
// customer sets a password there and signs in with the new email.
//
// Same ground rules as the other files (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh context per person.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  clickExpecting,
  codeFor,
  inBrowser,
  linkFor,
  newEmail,
  newPassword,
  outbox,
  path,
  solveCaptcha,
  staffMember,
  useBrowser,
  waitForPath,
} from './helpers.mjs';

useBrowser();

const label = (page, text) => page.getByLabel(text, { exact: true });

/** A new support member in their own browser, signed in (see `staffMember` in helpers.mjs). */
const supportMember = (newContext) => staffMember(newContext, 'support');

/** Opens the case of `fullName` from «Восстановление доступа». */
async function openCase(page, fullName) {
  await page.locator('header').getByRole('link', { name: 'Восстановление доступа', exact: true }).click();
  await waitForPath(page, '/staff/recovery-cases');
  await page.getByTestId('cases').getByRole('link', { name: fullName, exact: true }).first().click();
  await page.waitForURL((u) => /^\/staff\/recovery-cases\/[^/]+$/.test(u.pathname));
  await page.getByRole('heading', { name: 'Заявка на восстановление доступа', exact: true }).waitFor();
}

/** A customer with a confirmed email and a password, registered over the API, with one order
 * paid by the sandbox's Mir card (so a recovery case can name that order and the card). */
async function customerWithAnOrder() {
  const email = newEmail();
  const json = (body) => ({ 'content-type': 'application/json', ...body });
  const res = await fetch(`${BASE}/api/v1/auth/register`, {
    method: 'POST',
    headers: json(),
    body: JSON.stringify({ first_name: 'Анна', last_name: 'Смирнова', email, password: newPassword() }),
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
  const products = await (await fetch(`${BASE}/api/v1/products?limit=50`)).json();
  const product = products.items.find((p) => p.stock > 5);
  const put = await fetch(`${BASE}/api/v1/cart/items/${product.id}`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ quantity: 1 }),
  });
  assert.equal(put.status, 200, await put.clone().text());
  const points = await (await fetch(`${BASE}/api/v1/pickup-points?lat=55.7558&lon=37.6173&limit=1&kind=pickup_point`)).json();
  const order = await fetch(`${BASE}/api/v1/orders`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': `case-${Date.now()}` },
    body: JSON.stringify({
      delivery: { method: 'pickup_point', pickup_point_id: points.items[0].id },
      payment: { method: 'card', card: { number: '2200000000000004', exp_month: 12, exp_year: 2030, cvc: '123' } },
    }),
  });
  assert.equal(order.status, 201, await order.clone().text());
  return { email, number: (await order.json()).number };
}

test('two support members approve a recovery case and the customer signs in with the new email', async (t) => {
  await inBrowser(t, async (newContext) => {
    const { email: oldEmail, number } = await customerWithAnOrder();
    const newContact = newEmail();
    const fullName = `Смирнова Анна ${Date.now().toString(36)}`;

    // The customer, who lost the old email, files a case.
    const customer = await (await newContext()).newPage();
    await customer.goto(`${BASE}/recovery/support`);
    await label(customer, 'ФИО').fill(fullName);
    await label(customer, 'Почта, указанная в аккаунте').fill(oldEmail);
    await label(customer, 'Новый телефон или почта для связи').fill(newContact);
    await label(customer, 'Номер недавнего заказа').fill(number);
    await label(customer, 'Последние 4 цифры карты').fill('0004');
    await label(customer, 'Комментарий').fill('Нет доступа к старой почте');
    if (await label(customer, 'Антиспам-код').count()) await solveCaptcha(customer);
    await clickExpecting(customer, 'Отправить заявку', customer.getByTestId('notice'));
    assert.match(await customer.getByTestId('notice').textContent(), /Заявка принята/);

    // Member A: the case, its evidence checked, «Одобрить».
    const a = await supportMember(newContext);
    await openCase(a.page, fullName);
    assert.equal((await a.page.getByTestId('case-new-contact').textContent()).trim(), newContact);
    assert.equal(await a.page.getByTestId('account-found').getAttribute('class'), 'check-yes');
    const evidence = a.page.getByTestId('evidence');
    // The order and the card it was paid with match the account: ✓; — for the address they left out.
    assert.equal(await evidence.locator('[data-evidence="order_number"] td').getAttribute('class'), 'check-yes');
    assert.equal(await evidence.locator('[data-evidence="delivery_address"] td').getAttribute('class'), 'check-none');
    assert.equal(await evidence.locator('[data-evidence="card_last4"] td').getAttribute('class'), 'check-yes');
    const seen = (await outbox(newContact)).length;
    await clickExpecting(a.page, 'Одобрить', a.page.getByRole('status'));
    assert.match(await a.page.getByRole('status').first().textContent(), /Нужно одобрение второго сотрудника/);
    assert.match(await a.page.getByTestId('needs-second').textContent(), /Нужно одобрение второго сотрудника/);
    assert.equal(await a.page.getByRole('button', { name: 'Одобрить', exact: true }).count(), 0);
    assert.equal((await a.page.getByTestId('case-status').textContent()).trim(), 'Ждёт второго одобрения');

    // Member B sees who approved first and gives the second approval.
    const b = await supportMember(newContext);
    await openCase(b.page, fullName);
    assert.match(await b.page.getByTestId('first-approver').textContent(), new RegExp(a.email.replace(/[.]/g, '\\.')));
    await clickExpecting(b.page, 'Одобрить', b.page.getByRole('status'));
    assert.match(await b.page.getByRole('status').textContent(), /одноразовая ссылка отправлена/);
    assert.equal((await b.page.getByTestId('case-status').textContent()).trim(), 'Одобрена');

    // The link reaches the new email; the customer sets a password there.
    const link = await linkFor(newContact, seen);
    assert.match(new URL(link).pathname, /^\/recovery\/[^/]+$/, link);
    await customer.goto(link);
    await customer.getByRole('heading', { name: 'Новый пароль', exact: true }).waitFor();
    assert.match(await customer.getByTestId('support-contact').textContent(), new RegExp(newContact.replace(/[.]/g, '\\.')));
    assert.equal(await customer.getByText('Сменить номер телефона', { exact: true }).count(), 0);
    const password = newPassword();
    await label(customer, 'Новый пароль').fill(password);
    await clickExpecting(customer, 'Сохранить', customer.getByTestId('notice'));
    assert.match(await customer.getByTestId('notice').textContent(), /^Готово\. Все сеансы завершены/);

    // …and signs in with the new email.
    await customer.goto(`${BASE}/login?by=password`);
    await label(customer, 'Электронная почта или телефон').fill(newContact);
    await label(customer, 'Пароль').fill(password);
    await customer.getByRole('button', { name: 'Войти', exact: true }).click();
    await waitForPath(customer, '/account');
    assert.equal((await customer.getByTestId('email').textContent()).trim(), newContact);
    assert.equal(path(customer), '/account');
  });
});
