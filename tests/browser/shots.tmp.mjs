import { chromium } from 'playwright-core';
const BASE = 'http://127.0.0.1:18111';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const out = '/tmp/shots';
async function outbox(to) { const r = await fetch(`${BASE}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`); return (await r.json()).items; }
async function signIn(page, phone, next) {
  await page.goto(`${BASE}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Телефон', { exact: true }).fill(phone);
  await page.getByRole('button', { name: 'Получить код', exact: true }).click();
  await page.getByLabel('Код', { exact: true }).waitFor();
  const code = (await outbox(phone)).filter(m => m.code).pop().code;
  await page.getByLabel('Код', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await page.waitForURL(u => u.pathname === next);
}
for (const [name, viewport] of [['390', { width: 390, height: 844 }], ['1280', { width: 1280, height: 900 }]]) {
  const ctx = await browser.newContext({ locale: 'ru-RU', viewport });
  const page = await ctx.newPage();
  const shot = async (slug) => { await page.screenshot({ path: `${out}/${name}-${slug}.png`, fullPage: slug !== 'catalog' }); };
  await page.goto(`${BASE}/catalog`); await shot('catalog');
  await page.goto(`${BASE}/pickup-points?lat=55,75&lon=37,61`); await shot('points-coords');
  await page.goto(`${BASE}/login?next=%2Fcheckout`); await shot('login-checkout');
  await page.goto(`${BASE}/recovery`); await shot('recovery');
  // The demo customer.
  await signIn(page, '+79990000001', '/account');
  await shot('demo-account');
  await page.goto(`${BASE}/orders`); await shot('demo-orders');
  const first = await page.locator('li[data-order] a').first().getAttribute('href');
  await page.goto(`${BASE}${first}`); await shot('demo-order');
  await page.goto(`${BASE}/orders?tab=received`); await shot('demo-received');
  await page.goto(`${BASE}/favorites`); await shot('demo-favorites');
  await page.goto(`${BASE}/purchases`); await shot('demo-purchases');
  await page.goto(`${BASE}/account/personal`); await shot('demo-personal');
  await page.goto(`${BASE}/catalog/${(await (await fetch(`${BASE}/api/v1/products?limit=5`)).json()).items[2].id}`); await shot('product');
  await ctx.close();
}
await browser.close();
