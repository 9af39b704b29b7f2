// Browser tests for registration, password sign-in, «Забыли пароль?» (recovery by an emailed
// link, with and without replacing a lost phone), contact changes and personal data.
//
// Same ground rules as signin.test.mjs (helpers in helpers.mjs): real headless Chromium in
// Russian, elements found by their visible labels, a fresh browser context and fresh random
// contacts for each test, codes, links and captcha answers read from the dev outbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  clickExpecting,
  codeFor,
  headerSignIn,
  inBrowser,
  linkFor,
  newEmail,
  newPassword,
  newPhone,
  outbox,
  path,
  signInByPhone,
  solveCaptcha,
  signOutByMenu,
  useBrowser,
  waitForPath,
  withSpace,
} from './helpers.mjs';

useBrowser();

// ---- page helpers -------------------------------------------------------------------------------

const label = (page, text) => page.getByLabel(text, { exact: true });
const main = (page) => page.locator('main');

/** A new customer: names, a fresh email and a password. */
function newCustomer() {
  return { first: 'Анна', last: 'Смирнова', email: newEmail(), password: newPassword() };
}

/** /login → «Зарегистрироваться» → the form → the code page. Returns how many emails came before. */
async function register(page, who) {
  await page.goto(`${BASE}/login`);
  await main(page).getByRole('link', { name: 'Зарегистрироваться', exact: true }).click();
  await waitForPath(page, '/register');
  const seen = (await outbox(who.email)).length;
  await label(page, 'Имя').fill(who.first);
  await label(page, 'Фамилия').fill(who.last);
  await label(page, 'Электронная почта').fill(who.email);
  await label(page, 'Пароль').fill(who.password);
  await page.getByRole('checkbox', { name: /обработку моих персональных данных/ }).check();
  await clickExpecting(page, 'Зарегистрироваться', label(page, 'Код'));
  assert.equal(await page.locator('h1').first().textContent(), 'Подтверждение регистрации');
  assert.equal(path(page), '/login/code');
  return seen;
}

/** Registration confirmed with the emailed code, up to /account. */
async function registerAndConfirm(page, who) {
  const seen = await register(page, who);
  await label(page, 'Код').fill(withSpace(await codeFor(who.email, seen)));
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await waitForPath(page, '/account');
}

/** The «Электронная почта» line of /account: the address, confirmed. */
async function assertAccountEmail(page, email) {
  assert.equal((await page.getByTestId('email').textContent()).trim(), email);
}

/** On /login?by=password: login + password → «Войти» → /account (fails with the alert's text). */
async function signInByPassword(page, login, password) {
  await label(page, 'Электронная почта или телефон').fill(login);
  await label(page, 'Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  try {
    await waitForPath(page, '/account');
  } catch (err) {
    const alert = page.getByRole('alert');
    if (await alert.count()) {
      assert.fail(`password sign-in was refused: ${(await alert.first().textContent()).trim()}`);
    }
    throw err;
  }
}

/** /login?by=password → «Забыли пароль?» → email + captcha → «Получить ссылку» → the emailed link. */
async function recoveryLink(page, email) {
  await page.goto(`${BASE}/login?by=password`);
  await page.getByRole('link', { name: 'Забыли пароль?', exact: true }).click();
  await waitForPath(page, '/recovery');
  const seen = (await outbox(email)).length;
  await label(page, 'Электронная почта').fill(email);
  await solveCaptcha(page);
  await clickExpecting(page, 'Получить ссылку', page.getByTestId('notice'));
  assert.match(await page.getByTestId('notice').textContent(), /отправили на него письмо/);
  const link = await linkFor(email, seen);
  assert.match(new URL(link).pathname, /^\/recovery\/[^/]+$/, `recovery link: ${link}`);
  return link;
}

/** On the recovery link's page: «Сохранить» → «Готово…» → «Войти» → /login?by=password. */
async function saveAndGoSignIn(page) {
  await clickExpecting(page, 'Сохранить', page.getByTestId('notice'));
  assert.match(
    (await page.getByTestId('notice').textContent()).trim(),
    /^Готово\. Все сеансы завершены/,
  );
  assert.equal(await page.getByTestId('user-menu').count(), 0, 'recovery does not sign in');
  await main(page).getByRole('link', { name: 'Войти', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('by') === 'password');
}

async function openPersonal(page) {
  await page.locator('nav.side').getByRole('link', { name: 'Личные данные', exact: true }).click();
  await waitForPath(page, '/account/personal');
}

// ---- tests --------------------------------------------------------------------------------------

test('registration: confirm the email by code, sign out, sign in with the password', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const who = newCustomer();

    await registerAndConfirm(page, who);
    await assertAccountEmail(page, who.email);
    assert.equal((await page.getByTestId('user-menu').textContent()).trim(), who.first);

    await signOutByMenu(page);
    await headerSignIn(page).click();
    await waitForPath(page, '/login');
    await page.getByRole('link', { name: 'Войти с паролем', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('by') === 'password');

    await signInByPassword(page, who.email, who.password);
    await assertAccountEmail(page, who.email);
    assert.equal((await page.getByTestId('user-menu').textContent()).trim(), who.first);
  });
});

test('registration: confirm the email through the emailed link («Подтвердить»)', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const who = newCustomer();

    const seen = await register(page, who);
    const link = await linkFor(who.email, seen);
    assert.equal(new URL(link).pathname, '/register/confirm', `confirmation link: ${link}`);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Подтверждение почты', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Подтвердить', exact: true }).click();
    await waitForPath(page, '/account');
    await assertAccountEmail(page, who.email);
    assert.equal((await page.getByTestId('user-menu').textContent()).trim(), who.first);
  });
});

test('«Забыли пароль?»: a new password by the emailed link; the old one stops working', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const who = newCustomer();
    await registerAndConfirm(page, who);
    await signOutByMenu(page);

    await page.goto(await recoveryLink(page, who.email));
    await page.getByRole('heading', { name: 'Новый пароль', exact: true }).waitFor();
    const fresh = newPassword();
    await label(page, 'Новый пароль').fill(fresh);
    await saveAndGoSignIn(page);

    await label(page, 'Электронная почта или телефон').fill(who.email);
    await label(page, 'Пароль').fill(who.password);
    await page.getByRole('button', { name: 'Войти', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), 'Неверный логин или пароль.');
    assert.equal(await page.getByTestId('user-menu').count(), 0);

    await signInByPassword(page, who.email, fresh);
    await assertAccountEmail(page, who.email);
  });
});

test('lost phone: «Сменить номер телефона» on the recovery link, then SMS sign-in to the old account', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    const who = newCustomer();
    const p1 = newPhone();
    const p2 = newPhone();
    await registerAndConfirm(page, who);

    // «Личные данные»: the phone becomes P1, confirmed by a code sent to P1.
    await openPersonal(page);
    await label(page, 'Телефон').fill(p1.written);
    await clickExpecting(page, 'Добавить телефон', label(page, 'Код'));
    await label(page, 'Код').fill(await codeFor(p1.e164));
    await clickExpecting(page, 'Подтвердить', page.getByRole('status'));
    assert.equal(path(page), '/account/personal');
    assert.equal((await page.getByRole('status').textContent()).trim(), 'Контакт изменён.');
    assert.equal(await label(page, 'Телефон').inputValue(), p1.shown);
    await signOutByMenu(page);

    // P1 is lost: the recovery link replaces it with P2 (code by SMS to P2) and sets a password.
    await page.goto(await recoveryLink(page, who.email));
    await page.getByText('Сменить номер телефона', { exact: true }).click();
    await label(page, 'Новый телефон').fill(p2.written);
    await clickExpecting(page, 'Получить код', label(page, 'Код'));
    assert.match(path(page), /^\/recovery\/[^/]+$/);
    await label(page, 'Код').fill(withSpace(await codeFor(p2.e164)));
    await label(page, 'Новый пароль').fill(newPassword());
    await saveAndGoSignIn(page);

    // The SMS sign-in with P2 opens the old account, not a new one.
    await signInByPhone(page, p2);
    await assertAccountEmail(page, who.email);
    assert.equal((await page.getByTestId('phone').textContent()).trim(), p2.shown);
    assert.equal((await page.getByTestId('user-menu').textContent()).trim(), who.first);
  });
});

test('«Личные данные»: «Как к вам обращаться» shows in the preview and in the header', async (t) => {
  await inBrowser(t, async (newContext) => {
    const page = await (await newContext()).newPage();
    await signInByPhone(page, newPhone());

    await openPersonal(page);
    await label(page, 'Фамилия').fill('Петров');
    await label(page, 'Имя').fill('Игорь');
    await label(page, 'Отчество').fill('Валерьянович');
    await label(page, 'Как к вам обращаться').fill('Игорь Валерьянович');
    await clickExpecting(page, 'Сохранить', page.getByRole('status'));
    assert.equal((await page.getByRole('status').textContent()).trim(), 'Данные сохранены.');

    assert.match(await page.getByTestId('greeting-preview').textContent(), /Игорю Валерьяновичу/);
    assert.equal((await page.getByTestId('user-menu').textContent()).trim(), 'Игорь Валерьянович');
    assert.equal(await label(page, 'Отчество').inputValue(), 'Валерьянович');
  });
});
