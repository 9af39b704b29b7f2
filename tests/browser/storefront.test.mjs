// Browser tests for the shop on a phone (390 px) and a desktop (1280 px): a guest fills the
// cart, goes to checkout, signs in there and pays the merged cart; no page scrolls sideways on a
// phone; the header's «Корзина», «Войти», the name menu and «Выход» are within reach.
//
// Same ground rules as the other files (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh context and phone per test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  askForCode,
  clickExpecting,
  codeFor,
  inBrowser,
  newPhone,
  outbox,
  path,
  useBrowser,
  waitForPath,
  withSpace,
} from './helpers.mjs';

useBrowser();

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const CARD_OK = '2200 0000 0000 0004';

const heading = (page, name) => page.getByRole('heading', { name, exact: true });
const label = (page, name) => page.getByLabel(name, { exact: true });

async function products() {
  const res = await fetch(`${BASE}/api/v1/products?limit=100`);
  assert.equal(res.status, 200);
  return (await res.json()).items.filter((p) => p.stock >= 3 && p.weight_g < 5000);
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

/** Opens the header link `name`; on a phone the section links live in the «☰» menu. */
async function fromHeader(page, name) {
  const header = page.locator('header');
  let link = header.getByRole('link', { name, exact: true });
  if (!(await link.first().isVisible())) {
    await page.getByTestId('nav-menu').click();
    link = header.getByRole('link', { name, exact: true });
  }
  await link.first().click();
}

/** The code sign-in that checkout sends a guest to; returns to `back`. */
async function signInOnTheWay(page, phone, back) {
  await waitForPath(page, '/login');
  assert.equal(new URL(page.url()).searchParams.get('next'), back);
  const seen = (await outbox(phone.e164)).length;
  await label(page, 'Телефон').fill(phone.written);
  await askForCode(page);
  await label(page, 'Код').fill(withSpace(await codeFor(phone.e164, seen)));
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await waitForPath(page, back);
}

for (const [device, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`${device}: a guest fills the cart, signs in at checkout, pays the merged cart, «Спасибо за заказ»`, async (t) => {
    await inBrowser(t, async (newContext) => {
      const page = await (await newContext({ viewport })).newPage();
      const [a, b] = (await products()).slice(device === 'phone' ? 10 : 20);
      assert.ok(a && b, 'two products in stock');

      // Search in Russian word forms: «чайники» finds kettles.
      await page.goto(`${BASE}/catalog`);
      await fitsTheScreen(page);
      const search = page.getByRole('searchbox', { name: 'Поиск товаров', exact: true });
      await search.fill('чайники');
      await search.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('q') === 'чайники');
      assert.match(await page.getByTestId('found').textContent(), /^Найден/);
      const titles = await page.locator('li.product a.title').allTextContents();
      assert.ok(titles.length > 0 && titles.every((x) => /Чайник/.test(x)), `kettles: ${titles}`);
      await fitsTheScreen(page);

      // As a guest: two products in the cart; the header counts them.
      for (const p of [a, b]) {
        await page.goto(`${BASE}/catalog/${p.id}`);
        await clickExpecting(page, 'В корзину', page.getByTestId('in-cart'));
        await fitsTheScreen(page);
      }
      assert.equal((await page.getByTestId('cart-count').textContent()).trim(), '2');
      await fromHeader(page, 'Корзина');
      await waitForPath(page, '/cart');
      assert.equal((await page.getByTestId('items-count').textContent()).trim(), '2 товара');
      // Two of A and one of B: the count follows the quantities.
      await page.locator(`li[data-line="${a.id}"]`).getByLabel('Количество').fill('2');
      await page.locator(`li[data-line="${a.id}"]`).getByRole('button', { name: 'Изменить' }).click();
      await page.getByTestId('items-count').filter({ hasText: '3 товара' }).waitFor();
      await fitsTheScreen(page);

      // «Перейти к оформлению» → sign in → checkout shows exactly the merged cart.
      await page.getByRole('link', { name: 'Перейти к оформлению', exact: true }).click();
      await signInOnTheWay(page, newPhone(), '/checkout');
      await heading(page, 'Оформление заказа').waitFor();
      await fitsTheScreen(page);
      assert.equal((await page.getByTestId('items-count').textContent()).trim(), '3 товара');
      for (const p of [a, b]) await page.locator(`[data-testid=goods] li[data-line="${p.id}"]`).waitFor();

      // One choice per group and one total that follows it.
      const courier = page.getByRole('radio', { name: /^Курьером/ });
      const toPoint = page.getByRole('radio', { name: /^В пункт выдачи/ });
      assert.equal(await page.locator('input[name=method]:checked').count(), 1);
      await courier.check();
      const courierTotal = (await page.getByTestId('total').textContent()).trim();
      await toPoint.check();
      const pointTotal = (await page.getByTestId('total').textContent()).trim();
      assert.notEqual(courierTotal, pointTotal, 'the total follows the delivery choice');

      // A pickup point, chosen from checkout, returns straight to checkout.
      await page.getByRole('link', { name: 'Выбрать пункт выдачи', exact: true }).click();
      await waitForPath(page, '/pickup-points');
      await fitsTheScreen(page);
      await page.getByRole('searchbox', { name: 'Город или адрес', exact: true }).fill('Москва');
      await page.getByRole('searchbox', { name: 'Город или адрес', exact: true }).press('Enter');
      await page.locator('li[data-point]').first().getByRole('button', { name: 'Выбрать', exact: true }).click();
      await waitForPath(page, '/checkout');
      await page.getByTestId('point').waitFor();

      const who = label(page, 'Имя и фамилия получателя');
      if (!(await who.inputValue())) await who.fill('Анна Покупателева');
      await label(page, 'Номер карты').fill(CARD_OK);
      await label(page, 'Месяц').fill('12');
      await label(page, 'Год').fill('2030');
      await label(page, 'CVC').fill('123');
      await clickExpecting(page, 'Оплатить', heading(page, 'Спасибо за заказ!'));
      assert.match(path(page), /^\/orders\/\d+\/thanks$/);
      await fitsTheScreen(page);
      await page.getByText('3 товара', { exact: false }).first().waitFor();

      // The order page: Moscow time in words, no UTC.
      await page.getByRole('link', { name: 'Перейти к заказу', exact: true }).click();
      await page.getByTestId('status').waitFor();
      const placed = (await page.getByTestId('placed').textContent()).trim();
      assert.match(placed, /^\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4}, \d{2}:\d{2}$/);
      await fitsTheScreen(page);

      // The name menu and «Выход» are within reach.
      await page.getByTestId('user-menu').click();
      const exit = page.locator('header').getByRole('button', { name: 'Выход', exact: true });
      assert.ok(await exit.isVisible(), '«Выход» is visible');
      const box = await exit.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `«Выход» on screen: ${JSON.stringify(box)}`);
      await exit.click();
      await page.locator('header').getByRole('link', { name: 'Войти', exact: true }).waitFor();
    });
  });
}

test('phone: no page scrolls sideways, signed out or in', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext({ viewport: PHONE })).newPage();
    const [p] = await products();
    const guestPages = ['/', '/catalog', '/catalog?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD', `/catalog/${p.id}`,
      '/cart', '/pickup-points?q=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0', '/login', '/login?by=email', '/login?by=password',
      '/register', '/recovery', '/privacy', '/api/docs'];
    for (const url of guestPages) {
      await page.goto(`${BASE}${url}`);
      await fitsTheScreen(page);
    }
    // «Войти» and «Корзина» are in the header on a phone.
    await page.locator('header').getByRole('link', { name: 'Войти', exact: true }).waitFor();
    await page.locator('header').getByRole('link', { name: 'Корзина', exact: true }).waitFor();
    // The code page, then every page of the account.
    await page.goto(`${BASE}/login`);
    const phone = newPhone();
    const seen = (await outbox(phone.e164)).length;
    await label(page, 'Телефон').fill(phone.written);
    await askForCode(page);
    await fitsTheScreen(page);
    await label(page, 'Код').fill(await codeFor(phone.e164, seen));
    await page.getByRole('button', { name: 'Войти', exact: true }).click();
    await waitForPath(page, '/account');
    for (const url of ['/account', '/account/personal', '/account/security', '/account/payment-methods',
      '/account/addresses', '/orders', '/orders?tab=cancelled', '/purchases?from=2020-01-01', '/favorites',
      '/checkout', '/cart']) {
      await page.goto(`${BASE}${url}`);
      await fitsTheScreen(page);
    }
    // The «☰» menu works without JavaScript (a <details>) and holds the sections.
    await page.getByTestId('nav-menu').click();
    await page.locator('header').getByRole('link', { name: 'Пункты выдачи', exact: true }).waitFor();
  });
});
