// Browser tests for the shop: catalogue search, cart and its parcel plan, pickup points,
// checkout with the sandbox card acquirer (approved, declined, 3-D Secure), «Мои заказы» and
// «Купленные товары».
//
// Same ground rules as signin.test.mjs (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh browser context and a fresh random
// phone for each test, sign-in codes read from the dev outbox. Products are picked through the
// public catalogue API (GET /api/v1/products) with stock ≥ 3, each test from its own part of
// the catalogue, so the tests neither run out of stock nor depend on one another.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  clickExpecting,
  inBrowser,
  newPhone,
  path,
  signInByPhone,
  useBrowser,
  waitForPath,
} from './helpers.mjs';

useBrowser();

// ---- test data ----------------------------------------------------------------------------------

/** Sandbox cards (src/payments): approved, declined «Недостаточно средств», needs 3-D Secure. */
const CARD_OK = '2200 0000 0000 0004';
const CARD_DECLINED = '4000 0000 0000 0002';
const CARD_3DS = '4000 0000 0000 0010';

/** Enough stock that a test never runs out, even against a server that has served runs before. */
const MIN_STOCK = 3;

async function api(pathAndQuery) {
  const res = await fetch(`${BASE}/api/v1${pathAndQuery}`);
  assert.equal(res.status, 200, `GET /api/v1${pathAndQuery} answered ${res.status}`);
  return res.json();
}

/** Catalogue products (first 100) matching `q`, as the API shows them. */
async function products(q = '') {
  const query = q ? `&q=${encodeURIComponent(q)}` : '';
  return (await api(`/products?limit=100${query}`)).items;
}

/** The first product matching `q` that is in stock (≥ MIN_STOCK) and light (one small parcel). */
async function productFor(q) {
  const found = (await products(q)).find(inStockAndLight);
  assert.ok(found, `no product for «${q}» with stock ≥ ${MIN_STOCK}`);
  return found;
}

function inStockAndLight(p) {
  return p.stock >= MIN_STOCK && p.weight_g <= 5_000;
}

async function stockOf(productId) {
  return (await api(`/products/${productId}`)).stock;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Money as the pages show it: «1 299,00 ₽» with non-breaking spaces. */
function rubles(kopecks) {
  const whole = String(Math.floor(kopecks / 100)).replace(/\B(?=(\d{3})+$)/g, '\u00a0');
  return `${whole},${String(kopecks % 100).padStart(2, '0')}\u00a0₽`;
}

// ---- page helpers -------------------------------------------------------------------------------

const label = (page, text) => page.getByLabel(text, { exact: true });
const button = (page, name) => page.getByRole('button', { name, exact: true });
const heading = (page, name) => page.getByRole('heading', { name, exact: true });
/** Visible text with runs of ordinary whitespace folded (non-breaking spaces in money stay). */
const text = async (locator) => (await locator.textContent()).replace(/[ \t\n\r]+/g, ' ').trim();

/** A link of the header («Каталог», «Пункты выдачи», «Корзина»…), up to its page. */
async function openFromHeader(page, name, pathname) {
  await page.locator('header').getByRole('link', { name, exact: true }).click();
  await waitForPath(page, pathname);
}

/** A link of the user menu («Мои заказы», «Купленные товары»…), up to its page. */
async function openFromUserMenu(page, name, pathname) {
  await page.getByTestId('user-menu').click();
  await page.locator('header').getByRole('link', { name, exact: true }).click();
  await waitForPath(page, pathname);
}

/** The product page → «В корзину» → the cart, with the product's line in it. */
async function addToCartFromProductPage(page, product) {
  await page.goto(`${BASE}/catalog/${product.id}`);
  await heading(page, product.title).waitFor();
  // The shopper stays on the product page; the button becomes «В корзине», a link to the cart.
  await clickExpecting(page, 'В корзину', page.getByTestId('in-cart'));
  assert.equal(path(page), `/catalog/${product.id}`);
  await openFromHeader(page, 'Корзина', '/cart');
  await page.locator(`li[data-line="${product.id}"]`).waitFor();
}

/** «Пункты выдачи» → search `where` → «Выбрать» the first point. Returns the chosen address. */
async function chooseFirstPoint(page, where) {
  await openFromHeader(page, 'Пункты выдачи', '/pickup-points');
  await page.getByRole('searchbox', { name: 'Город или адрес', exact: true }).fill(where);
  await page.getByRole('searchbox', { name: 'Город или адрес', exact: true }).press('Enter');
  await page.waitForURL((u) => u.pathname === '/pickup-points' && u.searchParams.get('q') === where);
  const first = page.locator('li[data-point]').first();
  await first.waitFor();
  const listed = await text(first);
  await first.getByRole('button', { name: 'Выбрать', exact: true }).click();
  const alert = page.getByRole('alert');
  await page.getByTestId('chosen').or(alert).first().waitFor();
  if (await alert.count()) assert.fail(`«Выбрать» was refused: ${await text(alert.first())}`);
  const chosen = await text(page.getByTestId('chosen'));
  assert.match(chosen, /^Выбран пункт: /);
  const address = chosen.replace(/^Выбран пункт: /, '');
  assert.ok(listed.includes(address), `chose «${address}», the first point was «${listed}»`);
  return address;
}

const RECIPIENT = 'Анна Покупателева';

/** The card form of /checkout, filled (and the recipient's name, when the profile has none). */
async function fillCard(page, number) {
  // A new customer has no name in the profile yet: the recipient field starts empty.
  const who = label(page, 'Имя и фамилия получателя');
  if (!(await who.inputValue())) await who.fill(RECIPIENT);
  await label(page, 'Номер карты').fill(number);
  await label(page, 'Месяц').fill('12');
  await label(page, 'Год').fill('2030');
  await label(page, 'CVC').fill('123');
}

/** Cart → «Перейти к оформлению» → /checkout. */
async function goToCheckout(page) {
  await openFromHeader(page, 'Корзина', '/cart');
  await page.locator('main').getByRole('link', { name: 'Перейти к оформлению', exact: true }).click();
  await waitForPath(page, '/checkout');
  await heading(page, 'Оформление заказа').waitFor();
}

// ---- tests --------------------------------------------------------------------------------------

test('a new customer finds «ёлочные», pays by Mir card to a pickup point, sees the order and the item', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    await signInByPhone(page, newPhone());

    // The catalogue search: lower case with ё finds titles that start with «Ёлочные».
    await openFromHeader(page, 'Каталог', '/catalog');
    const search = page.getByRole('searchbox', { name: 'Поиск товаров', exact: true });
    assert.match(await search.getAttribute('placeholder'), /чайник/);
    await search.fill('ёлочные');
    await search.press('Enter');
    await page.waitForURL((u) => u.pathname === '/catalog' && u.searchParams.get('q') === 'ёлочные');
    const cards = page.locator('li.product');
    await cards.first().waitFor();
    const titles = await cards.locator('a.title').allTextContents();
    assert.ok(titles.length > 0, 'the search finds something');
    for (const title of titles) assert.match(title, /^Ёлочные /, `a search result: ${title}`);

    // Open a result that is in stock (the API tells which) and put it in the cart.
    const listed = await cards.evaluateAll((els) => els.map((el) => el.dataset.product));
    const product = (await products('ёлочные')).find((p) => listed.includes(p.id) && inStockAndLight(p));
    assert.ok(product, `a listed «ёлочные» product with stock ≥ ${MIN_STOCK}`);
    await page.locator(`li.product[data-product="${product.id}"]`).getByRole('link', { name: product.title }).click();
    await waitForPath(page, `/catalog/${product.id}`);
    await heading(page, product.title).waitFor();
    assert.ok(Number(await text(page.getByTestId('stock'))) >= MIN_STOCK);
    await clickExpecting(page, 'В корзину', page.getByTestId('in-cart'));
    assert.equal(path(page), `/catalog/${product.id}`, 'the shopper stays on the product page');
    assert.equal(await text(page.getByTestId('in-cart')), 'В корзине');

    // «Корзина»: the line, the total and the parcel plan.
    await openFromHeader(page, 'Корзина', '/cart');
    const line = page.locator(`li[data-line="${product.id}"]`);
    assert.match(await text(line), new RegExp(escapeRegExp(product.title)));
    assert.equal(await label(page, 'Количество').inputValue(), '1');
    assert.equal((await page.getByTestId('total').textContent()).trim(), rubles(product.price));
    await heading(page, 'Всё приедет одной посылкой').waitFor();
    assert.equal(await page.locator('ol.parcels > li').count(), 1);

    // «Пункты выдачи»: the first point in Moscow.
    const address = await chooseFirstPoint(page, 'Москва');

    // Checkout: the chosen point is preselected; pay by Mir.
    await goToCheckout(page);
    assert.equal(await text(page.getByTestId('point')), address);
    assert.ok(await page.getByRole('radio', { name: /^В пункт выдачи/ }).isChecked(), 'delivery to the point');
    assert.equal(await page.getByRole('radio', { name: /^Курьером/ }).isChecked(), false);
    await fillCard(page, CARD_OK);
    await clickExpecting(page, 'Оплатить', heading(page, 'Спасибо за заказ!'));
    assert.match(path(page), /^\/orders\/\d+\/thanks$/);
    const number = path(page).split('/')[2];
    await page.getByRole('link', { name: 'Перейти к заказу', exact: true }).click();
    await waitForPath(page, `/orders/${number}`);
    assert.equal(await text(page.getByTestId('status')), 'Оплачен');
    await heading(page, `Заказ №\u00a0${number}`).waitFor();
    await page.locator('main').getByText(address, { exact: true }).waitFor();
    await page.locator('main').getByRole('link', { name: product.title, exact: true }).waitFor();
    assert.match(await text(page.getByTestId('recipient')), new RegExp(`^${RECIPIENT}, \\+7 `));
    assert.equal(await text(page.getByTestId('paid-with')), 'Мир\u00a0·· 0004');

    // «Мои заказы»: the order, paid.
    await openFromUserMenu(page, 'Мои заказы', '/orders');
    const order = page.locator(`li[data-order="${number}"]`);
    await order.waitFor();
    assert.match(await text(order), /Оплачен/);

    // «Купленные товары»: the item, with a link to its order.
    await openFromUserMenu(page, 'Купленные товары', '/purchases');
    const bought = page.locator('main li').filter({
      has: page.locator(`a[href="/catalog/${product.id}"]`),
    });
    await bought.waitFor();
    assert.match(await text(bought), new RegExp(`^${escapeRegExp(product.title)} · `));
    await bought.getByRole('link', { name: `№ ${number}`, exact: true }).waitFor();

    // Paid: the cart is empty now.
    await openFromHeader(page, 'Корзина', '/cart');
    await page.getByText('В корзине пока пусто.').waitFor();
  });
});

test('two sellers in the cart: «Заказ придёт 2 посылками», «другой продавец»', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();

    const all = await products();
    const first = all.find(inStockAndLight);
    const second = all.find((p) => inStockAndLight(p) && p.seller_id !== first?.seller_id);
    assert.ok(first && second, `two sellers with products in stock ≥ ${MIN_STOCK}`);

    // A guest's cart: no sign-in needed to fill it.
    await addToCartFromProductPage(page, first);
    await addToCartFromProductPage(page, second);

    await openFromHeader(page, 'Корзина', '/cart');
    await page.locator(`li[data-line="${first.id}"]`).waitFor();
    await page.locator(`li[data-line="${second.id}"]`).waitFor();
    assert.equal(await page.locator('li[data-line]').count(), 2);
    assert.equal((await page.getByTestId('total').textContent()).trim(), rubles(first.price + second.price));

    await heading(page, 'Заказ придёт 2 посылками').waitFor();
    assert.equal(await heading(page, 'Всё приедет одной посылкой').count(), 0);
    const parcels = page.locator('ol.parcels > li');
    assert.equal(await parcels.count(), 2);
    // The first parcel needs no reason; the second comes separately because of its seller.
    const one = page.locator(`ol.parcels > li[data-parcel="${first.origin_id}"]`);
    const two = page.locator(`ol.parcels > li[data-parcel="${second.origin_id}"]`);
    assert.match(await text(one), new RegExp(escapeRegExp(first.seller_name)));
    assert.equal(await one.getByTestId('reason').count(), 0);
    assert.match(await text(two), new RegExp(escapeRegExp(second.seller_name)));
    assert.equal(await text(two.getByTestId('reason')), 'другой продавец');
  });
});

test('a declined card shows «Недостаточно средств»; no order is on its way, the stock is back', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    await signInByPhone(page, newPhone());

    const product = await productFor('плед');
    const stock = await stockOf(product.id);
    await addToCartFromProductPage(page, product);

    // Courier delivery this time: no pickup point needed.
    await goToCheckout(page);
    await page.getByRole('radio', { name: /^Курьером/ }).check();
    await label(page, 'Адрес для курьера').fill('г. Москва, ул. Тверская, д. 7, кв. 12');
    await fillCard(page, CARD_DECLINED);
    await button(page, 'Оплатить').click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await text(alert), 'Недостаточно средств');
    assert.equal(path(page), '/checkout');
    await heading(page, 'Оформление заказа').waitFor();
    assert.equal(await page.getByTestId('status').count(), 0, 'no order page');
    // The cart is intact: the customer can try another card at once.
    await button(page, 'Оплатить').waitFor();

    // «Мои заказы»: nothing on its way; at most the declined attempt, cancelled.
    await openFromUserMenu(page, 'Мои заказы', '/orders');
    assert.equal(new URL(page.url()).searchParams.get('tab'), null, 'the in-progress tab is the default');
    await page.getByText('Заказов нет.', { exact: true }).waitFor();
    assert.equal(await page.locator('li[data-order]').count(), 0);
    await page.locator('main').getByRole('link', { name: 'Отменённые', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/orders' && u.searchParams.get('tab') === 'cancelled');
    for (const order of await page.locator('li[data-order]').all()) {
      assert.match(await text(order), /Отменён/);
    }
    assert.ok((await page.locator('li[data-order]').count()) <= 1, 'one declined attempt at most');

    // Nothing was bought, and the declined payment released the reserved stock.
    await openFromUserMenu(page, 'Купленные товары', '/purchases');
    await page.getByText('Ничего не нашлось.', { exact: true }).waitFor();
    assert.equal(await stockOf(product.id), stock);
  });
});

test('3-D Secure: the bank page, «Подтвердить», the order is «Оплачен»', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    await signInByPhone(page, newPhone());

    const product = await productFor('роман');
    await addToCartFromProductPage(page, product);
    await chooseFirstPoint(page, 'Санкт-Петербург');

    await goToCheckout(page);
    await fillCard(page, CARD_3DS);
    await clickExpecting(page, 'Оплатить', heading(page, 'Подтверждение оплаты картой (3-D Secure)'));
    // Kabinet hands the customer to the acquirer's own page, which names the order.
    assert.match(path(page), /^\/sandbox-bank\/[A-Za-z0-9_-]{43}$/);
    await page.getByText(/^Подтвердите оплату в банке на сумму /).waitFor();
    const number = (await text(page.getByText(/^Заказ № \d+$/))).split(' ').pop();

    await clickExpecting(page, 'Подтвердить', heading(page, 'Спасибо за заказ!'));
    await waitForPath(page, `/orders/${number}/thanks`);
    await page.getByRole('link', { name: 'Перейти к заказу', exact: true }).click();
    await waitForPath(page, `/orders/${number}`);
    assert.equal(await text(page.getByTestId('status')), 'Оплачен');
    // The timeline shows the wait for the bank, then the payment.
    const timeline = await page.locator('main ol li').allTextContents();
    assert.ok(timeline.some((e) => e.includes('Ожидает оплаты')), `timeline: ${timeline}`);
    assert.ok(timeline.some((e) => e.includes('Оплачен')), `timeline: ${timeline}`);

    await openFromUserMenu(page, 'Мои заказы', '/orders');
    assert.match(await text(page.locator(`li[data-order="${number}"]`)), /Оплачен/);
  });
});

test('СБП: the QR page, «Оплатить в приложении банка», the order\'s «Кассовый чек»', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    await signInByPhone(page, newPhone());

    const product = await productFor('чайник');
    await addToCartFromProductPage(page, product);
    await chooseFirstPoint(page, 'Москва');

    await goToCheckout(page);
    await label(page, 'Имя и фамилия получателя').fill(RECIPIENT);
    await page.getByRole('radio', { name: /^СБП/ }).check();
    await clickExpecting(page, 'Оплатить', heading(page, 'Оплата через СБП'));
    // The acquirer's own page: a QR code drawn by the server and the link into the bank's app.
    assert.match(path(page), /^\/sandbox-bank\/[A-Za-z0-9_-]{43}$/);
    await page.getByTestId('sbp-qr').locator('svg').waitFor();
    const number = (await text(page.getByText(/^Заказ № \d+$/))).split(' ').pop();

    await clickExpecting(page, 'Оплатить в приложении банка', heading(page, 'Спасибо за заказ!'));
    await page.getByRole('link', { name: 'Перейти к заказу', exact: true }).click();
    await waitForPath(page, `/orders/${number}`);
    assert.equal(await text(page.getByTestId('status')), 'Оплачен');
    assert.equal(await text(page.getByTestId('paid-with')), 'СБП');

    await page.getByTestId('receipts').getByRole('link', { name: 'Чек оплаты', exact: true }).click();
    await heading(page, 'Кассовый чек').waitFor();
    assert.match(path(page), new RegExp(`^/orders/${number}/receipts/[0-9a-f-]{36}$`));
    assert.equal(await text(page.getByTestId('receipt-kind')), 'Приход');
    assert.match(await text(page.getByTestId('receipt-tenders')), /Безналичными: СБП/);
    assert.match(await text(page.getByTestId('receipt-fiscal')), /ФН ?\d{16} ?ФД ?\d+ ?ФП ?\d{10}/);
  });
});
