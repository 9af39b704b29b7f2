brand = Kabinet
tagline = Личный кабинет покупателя
nav-catalog = Каталог
nav-login = Войти
nav-profile = Профиль
nav-account = Личный кабинет
nav-logout = Выход
nav-security = Безопасность
nav-personal = Личные данные
footer-api = API для приложений
footer-lang = Язык
nav-payment-methods = Способы оплаты
nav-addresses = Адреса доставки
unit-g = г
unit-cm = см
unit-kg = кг
nav-menu = Меню
nav-cart-count = { $n ->
    [one] { $n } товар в корзине
    [few] { $n } товара в корзине
   *[many] { $n } товаров в корзине
}
items = { $n } { $n ->
    [one] товар
    [few] товара
   *[many] товаров
}
parcels-count = { $n } { $n ->
    [one] посылка
    [few] посылки
   *[many] посылок
}

home-title = Добро пожаловать в Kabinet
home-lead = Здесь покупатель входит по коду из СМС или письма, видит свои заказы, корзину, избранное, баллы и баланс.
home-signed-in = Вы вошли. Откройте личный кабинет, чтобы увидеть данные и устройства.
catalog-title = Каталог

login-for-checkout = Войдите, чтобы оформить заказ: товары из корзины останутся в ней.
login-title = Вход
login-lead = Введите номер телефона — мы пришлём код для входа. Если аккаунта ещё нет, он будет создан.
login-lead-email = Введите электронную почту — мы пришлём код для входа (временный пароль).
login-phone = Телефон
login-email = Электронная почта
login-get-code = Получить код
login-by-email = Войти по почте
login-by-phone = Войти по телефону
login-code = Код
login-submit = Войти
login-sent-to = Код отправлен на { $contact }
login-sent-voice = Сейчас позвонит робот и продиктует код для { $contact }
login-resend = Получить код ещё раз
login-resend-in = Получить код повторно можно через { $seconds } с
login-call = Позвонить
login-call-hint = Не пришло СМС? Робот позвонит и продиктует код.
login-call-in = Позвонить можно через { $seconds } с
login-other = Ввести другой номер или почту
login-code-hint = Пробелы и дефисы в коде не важны.

account-title = Личный кабинет
account-greeting = Здравствуйте, { $name }!
account-greeting-anon = Здравствуйте!
account-name = Имя
account-no-name = не указано
account-phone = Телефон
account-email = Электронная почта
account-email-unconfirmed = не подтверждена
account-none = не указан
account-none-f = не указана
account-name-prompt = Как к вам обращаться? Имя появится в приветствии, письмах и на заказах.
account-name-give = Указать имя
account-underway = Текущие заказы
account-nothing-underway = Сейчас ничего не едет. Загляните в каталог:
account-expected = ожидается
account-all-orders = Все заказы
account-no-favorites = Нажмите «В избранное» на товаре — он появится здесь.
account-all-favorites = Всё избранное
account-cards = { $n ->
    [one] { $n } сохранённая карта
    [few] { $n } сохранённые карты
   *[many] { $n } сохранённых карт
}
account-manage = Управлять
account-sections = Разделы
security-title = Безопасность
security-sessions = Устройства и сеансы
security-device = Устройство
security-ip = IP-адрес
security-created = Вход
security-last-seen = Последняя активность
security-this-device = Это устройство
security-end = Завершить
security-end-all = Выйти на всех устройствах
security-end-others = Завершить все другие сеансы
security-end-ask = Завершить сеанс на устройстве «{ $device }»? На нём придётся войти заново.
security-end-this-ask = Это ваш текущий сеанс: после завершения вы выйдете из кабинета на этом устройстве.
security-end-yes = Да, завершить
security-end-others-ask = Все другие устройства выйдут из кабинета; это останется.
security-end-others-yes = Да, завершить другие сеансы
security-end-all-ask = Вы выйдете из кабинета на всех устройствах, включая это. Войти снова можно по коду из СМС.
security-end-all-yes = Да, выйти везде
security-history = История входов и изменений (90 дней)
security-event = Событие
security-result = Результат
security-when = Когда
event-sign_in = Вход
event-sign_out = Выход
event-sign_out_all = Выход на всех устройствах
event-session_ended = Сеанс завершён
event-sessions_ended = Другие сеансы завершены
event-code_entry = Неверный код
event-code_entry_locked = Ввод кода заблокирован

docs-title = API для приложений
docs-lead = Описание в формате OpenAPI: 

error-page-title = Что-то пошло не так
error-page-not-found = Страница не найдена
error-page-server = Ошибка на нашей стороне
error-page-home = На главную

error-bad-request = Некорректный запрос.
error-invalid-json = Тело запроса — некорректный JSON.
error-invalid-body = Поля запроса заполнены неверно{ $problem ->
    [missing] : не хватает поля «{ $field }».
    [unknown] : лишнее поле «{ $field }».
    [type] : у поля «{ $field }» неверный тип или значение.
    [value] : у одного из полей неверный тип или значение.
   *[other] .
}
error-json-expected = Ожидается JSON (Content-Type: application/json).
error-invalid-query = Параметры запроса заданы неверно{ $problem ->
    [missing] : не хватает параметра «{ $field }».
    [unknown] : лишний параметр «{ $field }».
    [type] : у параметра «{ $field }» неверный тип или значение.
    [value] : у одного из параметров неверный тип или значение.
   *[other] .
}
error-body-too-large = Слишком большой запрос.
error-unauthorized = Нужно войти.
error-forbidden = Доступ запрещён.
error-cross-origin = Запрос с другого сайта отклонён.
error-csrf-failed = Страница устарела. Обновите её и попробуйте снова.
error-not-found = Не найдено.
error-method-not-allowed = Метод не поддерживается.
error-timeout = Сервер не успел ответить. Попробуйте ещё раз.
error-unsupported-media-type = Неподдерживаемый формат запроса.
error-too-many-requests = Слишком много запросов. Повторите через { $wait }.
error-internal = Внутренняя ошибка. Мы уже разбираемся.
error-invalid-phone = Введите номер мобильного телефона, например +7 916 123-45-67.
error-phone-not-supported = На этот номер мы не можем отправить СМС: нужен мобильный номер России, Беларуси или Казахстана.
error-invalid-email = Введите адрес электронной почты, например ivan@mail.ru.
error-invalid-channel = Способ отправки кода должен быть sms, voice или email.
error-channel-not-available = Этот способ получения кода магазин не предлагает. Выберите другой.
error-invalid-purpose = Неизвестное назначение кода.
error-resend-too-soon = Новый код можно получить через { $wait }.
error-too-many-codes = Слишком много кодов. Повторите через { $wait }.
error-voice-needs-sms = Сначала получите код по СМС.
error-voice-too-soon = Позвонить можно через { $wait }.
error-invalid-code = Неверный код. { $left ->
    [one] Осталась { $left } попытка
    [few] Осталось { $left } попытки
   *[many] Осталось { $left } попыток
}.
error-code-expired = Код устарел или использован. Запросите новый.
error-code-entry-locked = Слишком много неверных кодов. Ввод кода заблокирован, повторите через { $wait }.

sms-code-login = Код для входа: { $code }. Никому его не сообщайте.

    @{ $host } #{ $code }
voice-code = Ваш код для входа: { $code }. Повторяю: { $code }.
email-code-login-subject = Код для входа в Kabinet
email-code-login-body =
    Здравствуйте!

    Ваш код для входа: { $code }
    Он действует { $minutes } мин. Никому его не сообщайте.

    Если вы не пытались войти, просто проигнорируйте это письмо.

login-login = Электронная почта или телефон
login-password = Пароль
login-forgot = Забыли пароль?
login-by-code = Войти по коду
login-by-password = Войти с паролем
login-no-account = Нет аккаунта?
register-link = Зарегистрироваться
captcha-alt = Картинка с антиспам-кодом
captcha-label = Антиспам-код
login-dormant = Этим номером давно не пользовались. Чтобы убедиться, что аккаунт ваш, введите код из письма на { $contact }.
login-no-email = Нет доступа к почте
login-no-email-hint = Если почта не ваша или к ней нет доступа, номер отвяжем от старого аккаунта и откроем для вас новый.

consent-agree = Я согласен(на) на обработку моих персональных данных в соответствии с
consent-policy = политикой обработки персональных данных
consent-policy-short = Персональные данные
consent-login = Нажимая «Получить код», вы соглашаетесь на обработку персональных данных в соответствии с
error-consent-required = Чтобы зарегистрироваться, нужно согласие на обработку персональных данных.
register-confirm-title = Подтверждение регистрации
privacy-title = Политика обработки персональных данных
privacy-who = Магазин обрабатывает персональные данные покупателей по Федеральному закону № 152-ФЗ «О персональных данных» — только чтобы продавать и доставлять заказы и защищать аккаунт.
privacy-what-title = Какие данные
privacy-what = Имя, телефон, электронная почта, адреса доставки, заказы, платёжная система и последние цифры сохранённых карт (номер карты не хранится), устройства и адреса входа.
privacy-why-title = Зачем
privacy-why = Вход по коду, оформление и доставка заказов, уведомления о заказах, защита от мошенничества. Данные не передаются третьим лицам, кроме служб доставки и банка — в объёме, нужном для заказа.
privacy-rights-title = Ваши права
privacy-rights = Вы можете изменить данные в разделе «Личные данные», завершить сеансы в разделе «Безопасность» и отозвать согласие, написав в поддержку магазина; тогда аккаунт будет удалён.
register-title = Регистрация
field-first-name = Имя
field-last-name = Фамилия
field-patronymic = Отчество
field-address-as = Как к вам обращаться
field-address-as-hint = Например, Игорь Валерьянович
password-hint = От 8 до 128 символов, любые буквы и знаки. Слишком простые пароли не подойдут.
register-submit = Зарегистрироваться
register-have-account = Уже есть аккаунт? Войти
confirm-title = Подтверждение почты
confirm-lead = Нажмите кнопку, чтобы подтвердить адрес и войти.
confirm-submit = Подтвердить

recovery-title = Восстановление доступа
recovery-lead = Введите почту, указанную в аккаунте, и антиспам-код с картинки. Мы пришлём ссылку, по которой можно задать новый пароль или сменить номер телефона.
recovery-submit = Получить ссылку
recovery-no-email = Нет доступа к почте?
recovery-sent = Если такой адрес есть в аккаунте, мы отправили на него письмо со ссылкой. Она действует 1 час.
reset-other-phone = Ввести другой номер
personal-add-phone = Добавить телефон
personal-add-email = Добавить почту
error-page-recovery = Запросить новую ссылку
reset-title = Новый пароль
reset-change-phone = Сменить номер телефона
reset-change-phone-lead = Если старого номера больше нет, укажите новый — пришлём код по СМС или позвоним.
reset-new-phone = Новый телефон
reset-new-password = Новый пароль
reset-submit = Сохранить
reset-done = Готово. Все сеансы завершены — войдите заново с новым паролем.
support-title = Заявка в поддержку
support-lead = Если нет доступа ни к телефону, ни к почте, оставьте заявку. Сотрудник проверит данные и пришлёт одноразовую ссылку на новый контакт.
support-full-name = ФИО
support-old-email = Почта, указанная в аккаунте
support-new-contact = Новый телефон или почта для связи
support-evidence = Укажите хотя бы два подтверждения из трёх:
support-order = Номер недавнего заказа
support-address = Адрес доставки
support-card = Последние 4 цифры карты
support-comment = Комментарий
support-submit = Отправить заявку
support-done = Заявка принята. Мы свяжемся с вами по новому контакту.

personal-title = Личные данные
personal-save = Сохранить
personal-contacts = Контакты
personal-change-email = Сменить почту
personal-change-phone = Сменить телефон
personal-contacts-hint = Код придёт на новый контакт. Старый останется, пока новый не подтверждён, и получит уведомление.
personal-confirm = Подтвердите новый контакт
personal-confirm-submit = Подтвердить
personal-preview = Письма и уведомления придут { $name }.
security-new-password = Новый пароль
security-set-password = Задать пароль для входа
security-save-password = Сохранить пароль
done-profile = Данные сохранены.
done-contact = Контакт изменён.
done-password = Пароль сохранён. Другие сеансы завершены.
revert-title = Это был не я
revert-lead = Если контакт в аккаунте меняли не вы, вернём прежний и завершим все сеансы.
revert-submit = Это был не я
revert-done = Прежний контакт возвращён, все сеансы завершены. Войдите заново и смените пароль.
revert-password-removed = Пароль, заданный после смены контакта, удалён, а ссылки для восстановления отменены: войдите по коду и задайте новый пароль.

event-password_sign_in = Неверный пароль
event-password_changed = Пароль изменён
event-recovery_requested = Запрошено восстановление
event-recovery_phone_replaced = Номер заменён при восстановлении
event-recovery_password_set = Пароль задан при восстановлении
event-profile_changed = Личные данные изменены
event-email_changed = Почта изменена
event-phone_changed = Телефон изменён
event-email_change_reverted = Смена почты отменена
event-phone_change_reverted = Смена телефона отменена
event-password_removed = Пароль удалён после отмены смены контакта
event-phone_detached = Номер отвязан
event-support_case_opened = Заявка в поддержку

error-invalid-credentials = Неверный логин или пароль.
error-captcha-required = Введите антиспам-код с картинки.
error-invalid-captcha = Антиспам-код введён неверно или устарел. Попробуйте новый.
error-password-sign-in-locked = Вход по паролю для этого адреса приостановлен. Войдите по коду или восстановите пароль.
error-password-too-short = Пароль должен быть не короче 8 символов.
error-password-too-long = Пароль должен быть не длиннее 128 символов.
error-password-common = Этот пароль слишком распространён. Придумайте другой.
error-name-required = Укажите имя и фамилию.
error-invalid-name = В имени могут быть только буквы, пробелы, дефис и апостроф (до 100 символов).
error-contact-taken = Этот контакт уже привязан к другому аккаунту.
error-reauth-required = Для этого действия войдите заново.
error-contact-change-on-hold = После восстановления доступа контакты можно менять через { $hours } { $hours ->
    [one] час
    [few] часа
   *[many] часов
}.
error-contact-unchanged = Это и так ваш текущий контакт.
error-email-code-required = Этим номером давно не пользовались: введите код из письма на { $email }.
error-recovery-link-invalid = Ссылка недействительна или устарела. Запросите новую.
error-code-required = Введите код из СМС.
error-full-name-required = Укажите фамилию, имя и отчество.
error-invalid-contact = Укажите телефон или почту.
error-not-enough-evidence = Нужно хотя бы два подтверждения: номер заказа, адрес доставки или цифры карты.
error-invalid-card-last4 = Укажите 4 последние цифры карты.
error-comment-too-long = Комментарий слишком длинный.
error-revert-link-invalid = Ссылка недействительна или уже использована.

email-code-register-subject = Подтвердите почту в Kabinet
email-code-register-body =
    Здравствуйте!

    Код подтверждения: { $code } (действует { $minutes } мин).
    Или перейдите по ссылке: { $link }

    Если вы не регистрировались, просто проигнорируйте это письмо.
email-register-taken-subject = Попытка регистрации с вашей почтой
email-register-taken-body =
    Здравствуйте!

    Кто-то пытался зарегистрироваться в Kabinet с этим адресом, но аккаунт с ним уже есть.
    Если это были вы — войдите: { $link }
    Если нет — ничего делать не нужно.
email-code-dormant_email-subject = Код для входа в Kabinet
email-code-dormant_email-body =
    Здравствуйте!

    Кто-то входит в ваш аккаунт по номеру телефона, которым давно не пользовались.
    Если это вы, введите код: { $code } (действует { $minutes } мин).
    Если нет — ничего не делайте, без этого кода вход невозможен.
email-code-change_email-subject = Подтвердите новую почту
email-code-change_email-body =
    Здравствуйте!

    Код для подтверждения новой почты: { $code } (действует { $minutes } мин).
sms-code-change_phone = Код для смены номера: { $code }. Никому его не сообщайте.

    @{ $host } #{ $code }
sms-code-recovery_phone = Код для восстановления доступа: { $code }. Никому его не сообщайте.

    @{ $host } #{ $code }
sms-code-register = Код подтверждения: { $code }.

    @{ $host } #{ $code }
sms-code-dormant_email = Код для входа: { $code }.

    @{ $host } #{ $code }
sms-code-change_email = Код: { $code }.

    @{ $host } #{ $code }
email-code-change_phone-subject = Код
email-code-change_phone-body = Код: { $code } ({ $minutes } мин).
email-code-recovery_phone-subject = Код
email-code-recovery_phone-body = Код: { $code } ({ $minutes } мин).
email-phone-detached-subject = Номер телефона отвязан от аккаунта
email-phone-detached-body =
    Здравствуйте!

    Номер { $phone } отвязан от вашего аккаунта Kabinet: по нему вошёл новый владелец номера, не имеющий доступа к вашей почте.
    Ваш аккаунт и заказы на месте — входите по почте.
email-password-changed-subject = Пароль изменён
email-password-changed-body =
    Здравствуйте!

    Пароль от вашего аккаунта Kabinet изменён. Если это были не вы, восстановите доступ через «Забыли пароль?».
email-recovery-subject = Восстановление доступа к Kabinet
email-recovery-body =
    Здравствуйте!

    Чтобы задать новый пароль или сменить номер телефона, перейдите по ссылке (действует 1 час):
    { $link }

    Если вы ничего не запрашивали, просто проигнорируйте письмо.
email-recovery-unknown-subject = Восстановление доступа к Kabinet
email-recovery-unknown-body =
    Здравствуйте!

    Кто-то запросил восстановление доступа для этого адреса, но аккаунта с ним нет.
    Если это были вы, возможно, вы регистрировались с другой почтой или по номеру телефона.
email-recovery-phone-replaced-subject = Доступ восстановлен, номер телефона заменён
email-recovery-phone-replaced-body =
    Здравствуйте!

    Доступ к аккаунту восстановлен: задан новый пароль и новый номер телефона, все сеансы завершены.
    Следующие 72 часа контакты в аккаунте менять нельзя.
email-recovery-password-set-subject = Доступ восстановлен
email-recovery-password-set-body =
    Здравствуйте!

    Доступ к аккаунту восстановлен: задан новый пароль, все сеансы завершены.
sms-recovery-password-set = Пароль от аккаунта Kabinet изменён, все сеансы завершены.
email-support-case-opened-subject = Заявка на восстановление доступа принята
email-support-case-opened-body =
    Здравствуйте!

    Ваша заявка { $case } принята. Сотрудник проверит данные и пришлёт одноразовую ссылку.
sms-support-case-opened = Заявка { $case } на восстановление доступа принята.
email-contact-changed-email-subject = Почта в аккаунте изменена
email-contact-changed-email-body =
    Здравствуйте!

    В аккаунте Kabinet указана новая почта: { $contact }.
    Если это были не вы, нажмите «Это был не я» (ссылка действует 7 дней): { $link }
sms-contact-changed-email = В аккаунт добавлена почта { $contact }. Не вы? { $link }
email-contact-changed-phone-subject = Телефон в аккаунте изменён
email-contact-changed-phone-body =
    Здравствуйте!

    В аккаунте Kabinet указан новый телефон: { $contact }.
    Если это были не вы, нажмите «Это был не я» (ссылка действует 7 дней): { $link }
sms-contact-changed-phone = Номер в аккаунте изменён на { $contact }. Не вы? { $link }

nav-cart = Корзина
nav-favorites = Избранное
catalog-results-for = Результаты по запросу «{ $q }»
catalog-search-example = Например, чайник или смартфон
catalog-price-from = Цена от
catalog-price-to = до
catalog-sort = Порядок
catalog-sort-popular = По умолчанию
catalog-sort-price_asc = Сначала дешевле
catalog-sort-price_desc = Сначала дороже
catalog-sort-new = Сначала новинки
catalog-found = { $n ->
    [one] Найден { $n } товар
    [few] Найдено { $n } товара
   *[many] Найдено { $n } товаров
}
catalog-shown = { $n ->
    [one] показан { $n } из { $total }
   *[other] показано { $n } из { $total }
}
catalog-drop-filters = Искать без фильтров
catalog-try = Попробуйте:
catalog-all-goods = все товары
catalog-sold-out = Нет в наличии
error-invalid-price = Цена — целое число рублей, например 1500.
catalog-refine = уточните поиск или фильтры, чтобы увидеть остальные
catalog-search = Поиск товаров
catalog-category = Категория
catalog-all = Все категории
catalog-find = Найти
catalog-nothing = Ничего не нашлось.
catalog-to-cart = В корзину
catalog-to-favorites = В избранное
catalog-more = Показать ещё
favorites-remove = Убрать из избранного
favorites-empty = В избранном пока пусто.
product-seller = Продавец
product-origin = Отправка со склада
product-category = Категория
product-weight = Вес
product-size = Размеры
product-stock = В наличии
cart-empty = В корзине пока пусто.
cart-quantity = Количество
cart-update = Изменить
cart-remove = Удалить
cart-total = Итого
cart-one-parcel = Всё приедет одной посылкой
cart-parcels = Заказ придёт { $n } посылками
cart-delivery = доставка ориентировочно
parcel-other-seller = другой продавец
parcel-other-warehouse = другой склад
parcel-overweight = превышен вес
error-product-not-found = Товар не найден.
error-invalid-quantity = Количество должно быть от 0 до 999.
error-not-enough-stock = Столько нет в наличии: доступно { $available }.
error-cart-changed = Корзина изменилась, пока оформлялся заказ: проверьте её и оформите заказ снова.
error-illegal-transition = Заказ не может перейти в этот статус из текущего.
error-invalid-cursor = Неверный курсор страницы.
error-invalid-limit = Размер страницы — от 1 до 100.
points-address-example = Город или улица, например «Москва, Тверская»
points-near-me = Рядом со мной
points-locating = Определяем, где вы…
points-location-denied = Не удалось узнать, где вы: разрешите доступ к геопозиции или введите адрес.
points-none = Здесь пунктов не нашлось. Попробуйте другой адрес, город или тип пункта.
error-invalid-coordinates = Координаты — числа: широта от −90 до 90, долгота от −180 до 180 (например, 55,7558 и 37,6173).
points-title = Пункты выдачи и постаматы
points-chosen = Выбран пункт
points-address = Город или адрес
points-kind = Тип пункта
points-any = Все пункты
points-pickup = Пункт выдачи
points-locker = Постамат
points-fits = Вместит мои посылки
points-by-coordinates = Найти рядом с координатами
points-lat = Широта
points-lon = Долгота
points-choose = Выбрать
error-query-required = Укажите адрес или координаты.
error-invalid-kind = Тип пункта: pickup_point или parcel_locker.
error-invalid-fits = Параметр fits может быть только cart.
error-pickup-point-not-found = Пункт выдачи не найден.
nav-points = Пункты выдачи
error-idempotency-key-required = Нужен заголовок Idempotency-Key.
error-cart-empty = Корзина пуста.
error-invalid-address = Укажите адрес доставки.
error-parcel-does-not-fit = Посылка не поместится в этот постамат. Выберите пункт выдачи.
error-payment-declined = Недостаточно средств
error-order-not-cancellable = Этот заказ уже нельзя отменить.
error-order-not-found = Заказ не найден.
error-invalid-delivery-method = Способ доставки: courier, pickup_point или parcel_locker.
error-pickup-point-required = Выберите пункт выдачи.
error-card-required = Укажите данные карты.
error-payment-method-not-supported = Этот способ оплаты пока недоступен.
error-invalid-card-number = Неверный номер карты.
error-card-brand-not-supported = Принимаем карты Мир, Visa, Mastercard и American Express.
error-card-expired = Срок действия карты истёк или указан неверно.
error-invalid-cvc = Неверный код CVC.
error-invalid-date = Дата — в формате ГГГГ-ММ-ДД.
nav-orders = Мои заказы
nav-purchases = Купленные товары
checkout-edit-cart = Изменить корзину
checkout-change-point = Выбрать другой пункт
checkout-wallets = Электронный кошелёк
checkout-recalc = Пересчитать
cards-lead = Карты сохраняются при оплате, если отметить «Запомнить карту». Номер карты мы не храним — только платёжную систему, последние цифры и срок действия.
cards-none = Сохранённых карт нет.
cards-valid-till = до
cards-delete = Удалить карту
cards-delete-ask = Удалить карту { $card }? Для следующей покупки номер придётся ввести заново.
cards-delete-yes = Да, удалить
cards-deleted = Карта удалена.
addresses-lead = Адреса для курьерской доставки: при оформлении заказа адрес по умолчанию выбран первым.
addresses-none = Адресов пока нет — добавьте первый ниже или укажите его при оформлении заказа.
addresses-make-default = Сделать основным
addresses-delete = Удалить
addresses-delete-ask = Удалить адрес «{ $address }»?
addresses-delete-yes = Да, удалить
addresses-add = Новый адрес
addresses-example = Москва, Тверская улица, 7, кв. 12
addresses-as-default = Сделать адресом по умолчанию
addresses-save = Сохранить адрес
addresses-added = Адрес сохранён.
addresses-default = Адрес по умолчанию изменён.
addresses-deleted = Адрес удалён.
purchases-search = Название товара или продавца
purchases-filters = Фильтры: даты, цена, категория, продавец
purchases-from = Куплено с
purchases-to = по
purchases-price-to = Цена до
purchases-seller = Продавец
purchases-all-sellers = Все продавцы
purchases-reset = Сбросить фильтры
checkout-title = Оформление заказа
checkout-delivery = Доставка
checkout-to-point = В пункт выдачи
checkout-no-point = пункт не выбран
checkout-choose-point = Выбрать пункт выдачи
checkout-courier = Курьером
checkout-address = Адрес для курьера
checkout-recipient = Получатель
checkout-payment = Банковская карта
checkout-card-number = Номер карты
checkout-exp-month = Месяц
checkout-exp-year = Год
checkout-pay = Оплатить
cart-checkout = Перейти к оформлению
sandbox-acquirer = Тестовый банк (песочница)
three-ds-title = Подтверждение оплаты картой (3-D Secure)
wallet-pay-title = Оплата через { $wallet }
wallet-pay-lead = Подтвердите списание из кошелька на сумму
three-ds-lead = Подтвердите оплату в банке на сумму
three-ds-confirm = Подтвердить
three-ds-cancel = Отменить
three-ds-card = Карта
orders-active = Текущие
orders-received = Полученные
orders-cancelled = Отменённые
orders-none = Заказов нет.
order-cancel-title = Отменить заказ
order-cancel-why = Почему вы отменяете заказ?
order-cancel-confirm = Да, отменить заказ
order-cancel-keep = Не отменять
order-cancel-refund = Деньги вернутся туда, откуда пришли: { $to }, обычно за 1–3 рабочих дня (в зависимости от банка — до 30 дней). Бонусы «Спасибо», баллы и деньги с баланса вернутся на счёт сразу.
order-cancel-unpaid = Заказ ещё не оплачен: деньги не списывались. Товары вернутся в корзину.
order-not-paid = не оплачен
order-pay-now = Оплатить заказ
order-payment-method = Способ оплаты
order-refund = Возврат
order-refund-to = Возврат оформлен: { $to }. Обычно деньги приходят за 1–3 рабочих дня.
cancel-reason-changed_mind = Передумал(а) покупать
cancel-reason-found_cheaper = Нашёл(ла) дешевле
cancel-reason-too_slow = Слишком долгая доставка
cancel-reason-mistake = Ошибся(лась) при оформлении
cancel-reason-other = Другая причина
error-invalid-cancel-reason = Выберите причину отмены из списка.
thanks-title = Спасибо за заказ!
thanks-next = Что дальше
thanks-next-assemble = Продавец соберёт заказ; статус можно смотреть в разделе «Мои заказы».
thanks-next-point = Когда посылка приедет в пункт выдачи, мы пришлём СМС. Заказ хранится в пункте 7 дней; возьмите с собой телефон — назовёте код.
thanks-next-courier = Курьер позвонит накануне доставки и договорится о времени.
thanks-next-cancel = Передумали? Заказ можно отменить, пока он собирается; деньги вернутся тем же способом, которым оплачен заказ.
thanks-to-order = Перейти к заказу
thanks-shop-on = Продолжить покупки
order-title = Заказ
order-placed = Оформлен
order-received = Получен
order-goods = Товары
order-delivery-cost = Доставка
order-timeline = История заказа
order-cancel = Отменить заказ
status-awaiting_payment = Ожидает оплаты
status-paid = Оплачен
status-assembling = Собирается
status-shipped = В пути
status-ready_for_pickup = Ждёт в пункте выдачи
status-received = Получен
status-cancelled = Отменён
error-payment-not-pending = Оплата уже не ожидается.
error-invalid-status = Неизвестный статус заказа.
error-saved-card-not-found = Сохранённая карта не найдена.
error-invalid-wallet = Кошелёк: yoomoney, webmoney, qiwi или paypal.
checkout-new-card = Новая карта
checkout-save-card = Запомнить карту
wallet-yoomoney = ЮMoney
wallet-webmoney = WebMoney
wallet-qiwi = QIWI Кошелёк
wallet-paypal = PayPal
checkout-total-point = Итого с доставкой в пункт
checkout-total-courier = курьером
order-paid-with = Оплачено
order-paid-spasibo = Бонусами «Спасибо»
checkout-spasibo = Списать бонусы «Спасибо» от Сбербанка, ₽
checkout-spasibo-hint = 1 бонус = 1 ₽, до 99 % суммы заказа; остаток спишется с карты.
checkout-spasibo-left = бонусов «Спасибо»:
error-invalid-spasibo-amount = Бонусы «Спасибо» — целое число рублей, не меньше нуля.
error-spasibo-needs-card = Бонусами «Спасибо» можно оплатить часть заказа только вместе с картой.
error-spasibo-too-large = Бонусами «Спасибо» можно оплатить не больше { $max }.
error-spasibo-not-enough = На карте меньше бонусов «Спасибо»: доступно { $available }.
catalog-in-cart = В корзине
points-to-checkout = Продолжить оформление заказа
checkout-recipient-name = Имя и фамилия получателя
checkout-recipient-phone = Телефон получателя
error-invalid-recipient-name = Укажите имя получателя (от 2 до 100 символов).
error-invalid-recipient-phone = Телефон получателя — мобильный номер России, Беларуси или Казахстана.
address-default = по умолчанию
checkout-new-address = Или новый адрес для курьера
error-address-not-found = Адрес не найден.
error-address-or-address-id = Укажите либо новый адрес, либо сохранённый.
error-too-many-addresses = Сохранено слишком много адресов: удалите ненужные.

# A wait in words (`Locale::wait`): unit s, m or h, and the number.
wait = { $unit ->
    [s] { $n } { $n ->
        [one] секунду
        [few] секунды
       *[many] секунд
    }
    [m] { $n } { $n ->
        [one] минуту
        [few] минуты
       *[many] минут
    }
   *[h] { $n } { $n ->
        [one] час
        [few] часа
       *[many] часов
    }
}

# /api/docs: the interactive API reference.
docs-contents = Разделы
docs-conventions = Деньги — целые копейки, время — RFC 3339 в UTC, списки — {"{"}items, next_cursor{"}"}.
docs-errors = Ошибки приходят одной формой:
docs-auth = Вызовы с пометкой «нужен вход» принимают cookie сессии (сайт) или заголовок
docs-token = Токен для заголовка Authorization (необязательно)
docs-token-hint = Без токена запросы уходят с cookie сессии этого браузера: если вы вошли, то от вашего имени.
docs-tag-auth = Вход и регистрация
docs-tag-sessions = Сеансы
docs-tag-account = Личные данные
docs-tag-recovery = Восстановление доступа
docs-tag-catalog = Каталог
docs-tag-cart = Корзина
docs-tag-favorites = Избранное
docs-tag-delivery = Доставка
docs-tag-orders = Заказы
docs-tag-dev = Для разработки
docs-auth-badge = нужен вход
docs-auth-required = Нужен вход: cookie сессии или Authorization: Bearer.
docs-auth-optional = Вход необязателен: гостю вызов тоже отвечает (корзина гостя хранится по cookie).
docs-parameters = Параметры
docs-in-path = в пути
docs-in-query = в запросе
docs-in-header = заголовок
docs-required = обязательно
docs-request-body = Тело запроса
docs-responses = Ответы
docs-schema = Поля ответа
docs-try = Попробовать
docs-body-json = Тело (JSON)
docs-send = Отправить
docs-needs-js = Отправка из этой формы работает с включённым JavaScript.
docs-sending = Отправляем…
docs-failed = Запрос не дошёл до сервера

# wallet: points and co-branded card
nav-loyalty = Баллы и бонусы
nav-cobrand = Карта Kabinet
docs-tag-loyalty = Баллы и карта Kabinet
loyalty-tier-base = Базовый
loyalty-tier-silver = Серебряный
loyalty-tier-gold = Золотой
loyalty-tier-platinum = Платиновый
loyalty-points = { $shown } { $n ->
    [one] балл
    [few] балла
   *[many] баллов
}
loyalty-accrual = { $percent } % баллами с каждого полученного заказа
loyalty-reason-purchases = Покупки за 12 месяцев: { $amount }. Статус считается по товарам полученных заказов.
loyalty-reason-card = Статус «Платиновый» дан за одобренную карту Kabinet — независимо от суммы покупок.
loyalty-next-silver = Ещё { $amount } до «Серебряного»
loyalty-next-gold = Ещё { $amount } до «Золотого»
loyalty-next-platinum = Ещё { $amount } до «Платинового»
loyalty-top-tier = Это высший статус.
loyalty-card-offer = Карта Kabinet сразу даёт статус «Платиновый»
loyalty-balance = Баланс баллов
loyalty-rules = 1 балл = 1 ₽. Баллами можно оплатить до { $percent } % стоимости товаров; они сгорают через год после начисления, первыми тратятся те, что сгорят раньше.
loyalty-expiry = Когда сгорят
loyalty-expiry-none = Сгорать пока нечему.
loyalty-expire-on = сгорят
loyalty-history = История
loyalty-history-empty = Баллы начислятся, когда вы получите заказ.
loyalty-more = Показать ещё
loyalty-kind-earned = Начислены за заказ
loyalty-kind-spent = Оплата заказа
loyalty-kind-returned = Возвращены: заказ отменён
loyalty-kind-taken-back = Списаны: отменён или возвращён заказ
loyalty-kind-expired = Сгорели баллы
loyalty-kind-granted = Подарок от магазина
loyalty-cap-share = Баллами можно оплатить до { $percent } % стоимости товаров: здесь — не больше { $n ->
    [one] { $n } балла
   *[other] { $n } баллов
}.
loyalty-cap-balance = Можно списать все ваши баллы: { $n ->
    [one] { $n } балл
    [few] { $n } балла
   *[many] { $n } баллов
} — это меньше 25 % стоимости товаров.
cobrand-lead = Кредитная карта банка-партнёра: с ней у вас сразу статус «{ $tier }» — { $percent } % баллами с каждого заказа.
cobrand-done = Заявка отправлена. Банк рассмотрит её и пришлёт СМС с решением.
cobrand-status-submitted = Заявка от { $date } на рассмотрении. Решение придёт СМС на номер { $phone }.
cobrand-status-approved = Карта одобрена! Ваш статус — «{ $tier }». Банк свяжется с вами, чтобы договориться о доставке.
cobrand-status-rejected = К сожалению, банк не смог одобрить карту по заявке от { $date }. Ваш статус и баллы остаются прежними. Если что-то изменилось, вы можете подать новую заявку.
cobrand-see-points = Посмотреть статус и баллы
cobrand-city-question = В каком городе вы получите карту?
cobrand-check = Проверить
cobrand-city-served = Доставляем карту в город { $city }. Заполните заявку — это займёт минуту.
cobrand-city-not-served = В город «{ $city }» карту пока не доставляем, поэтому оформить её не получится.
cobrand-cities = Карту доставляют в города:
cobrand-full-name = Фамилия, имя и отчество
cobrand-full-name-hint = Как в паспорте.
cobrand-birth-date = Дата рождения
cobrand-apply = Отправить заявку
sms-cobrand-approved = Карта Kabinet одобрена: ваш статус — «Платиновый». Банк позвонит, чтобы договориться о доставке.
sms-cobrand-rejected = К сожалению, банк не смог одобрить карту Kabinet. Ваш статус и баллы остаются прежними.
error-invalid-full-name = Введите фамилию, имя и отчество буквами — как в паспорте.
error-invalid-birth-date = Введите дату рождения, например 25.11.1990.
error-applicant-under-18 = Карту оформляют с 18 лет.
error-city-required = Укажите город, в котором получите карту.
error-card-not-available-in-region = В этот город карту пока не доставляем.
error-cobrand-application-exists = Заявка на карту уже отправлена.
error-cobrand-application-not-found = Такой заявки нет.
error-cobrand-application-decided = По этой заявке уже есть решение.
# checkout: status points
error-points-over-limit = Баллами здесь можно оплатить не больше { $max } — это 25 % стоимости товаров (и не больше, чем у вас есть).
error-points-not-enough = Баллов меньше, чем нужно: доступно { $available }.
error-invalid-points = Баллы — целое число, не меньше нуля.
order-paid-points = Баллами
checkout-points = Списать баллы

# Account balance (issue 11)
error-balance-not-enough = На балансе меньше, чем нужно: доступно { $available }.
order-paid-balance = С баланса средств
order-paid-balance-only = Баланс средств
order-refund-wallet = баллы, бонусы и деньги с баланса вернулись туда, откуда были списаны
checkout-use-balance = Оплатить с баланса средств
checkout-balance-available = На балансе
checkout-balance-rest = Чего не хватит, оплатит карта или кошелёк.
balance-title = Баланс средств
account-wallet = Баллы и деньги
account-wallet-tier = Статус

# Balance pages and gift certificates (issue 11)
nav-balance = Баланс средств
nav-certificates = Сертификаты и промокоды
docs-tag-balance = Баланс и сертификаты
balance-rules = Деньги с подарочных сертификатов и возвратов. Ими можно оплатить заказ целиком или частично; вывести их нельзя.
balance-activate-link = Активировать сертификат
balance-history = История
balance-history-empty = Здесь появятся сертификаты, возвраты и оплаты заказов с баланса.
balance-kind-certificate = Подарочный сертификат
balance-kind-refund = Возврат на баланс
balance-kind-order = Оплата заказа
balance-kind-order-cancelled = Возврат за отменённый заказ
certificate-lead = Номинал сертификата зачислится на баланс средств — им можно оплатить заказы. Сертификат действует 3 года и активируется один раз.
certificate-code = Номер сертификата или кодовое слово
certificate-code-hint = Номер — 16 символов вида XXXX-XXXX-XXXX-XXXX, пробелы и регистр не важны. Кодовое слово — четыре слова через дефис или пробел, например «море-ракета-кедр-пряник».
certificate-activate = Активировать
certificate-activated = Сертификат { $number } активирован: на баланс зачислено { $amount }.
certificate-balance-now = На балансе:
certificate-mine = Активированные сертификаты
certificate-activated-on = активирован
error-invalid-certificate = Сертификат не найден, уже активирован или срок его действия истёк.
error-certificate-typo = Похоже, в номере опечатка: проверьте каждый символ (в номере нет букв O и I, цифр 0 и 1) или введите кодовое слово.
error-certificate-code-required = Введите номер сертификата или кодовое слово.
error-too-many-certificate-attempts = Слишком много неудачных попыток активировать сертификат. Повторите через { $wait }.
error-invalid-certificate-value = Номинал сертификата — от 1 ₽ до 1 000 000 ₽.
error-invalid-certificate-count = За один раз можно выпустить от 1 до 10 000 сертификатов.

# Issue 11: СБП and 54-ФЗ receipts
pay-sbp = СБП
checkout-sbp = Система быстрых платежей
checkout-sbp-hint = — QR-код или ссылка в приложение вашего банка
sbp-pay-title = Оплата через СБП
sbp-pay-lead = Отсканируйте QR-код камерой телефона или откройте приложение банка и подтвердите оплату на сумму
sbp-scan = QR-код СБП: наведите камеру телефона
sbp-pay-in-app = Оплатить в приложении банка
error-sbp-takes-no-details = Для оплаты через СБП не нужны ни карта, ни кошелёк.
receipts-title = Кассовые чеки
receipt-kind-payment = Чек оплаты
receipt-kind-refund = Чек возврата
receipt-pending = чек регистрируется
receipt-title = Кассовый чек
receipt-sign-payment = Приход
receipt-sign-refund = Возврат прихода
receipt-seller = ООО «Кабинет Маркет»
receipt-seller-address = 123112, Москва, Пресненская наб., 12
receipt-seller-inn = ИНН 7700000000
receipt-at = Дата и время
receipt-order = Заказ
receipt-taxation = СНО
receipt-taxation-osn = ОСН
receipt-vat = НДС
receipt-vat-total = Сумма НДС
receipt-supplier = Поставщик
receipt-full-payment = Полный расчёт · товар
receipt-total = ИТОГ
receipt-tender-card = банковская карта
receipt-tender-sbp = СБП
receipt-tender-wallet = электронный кошелёк
receipt-tender-spasibo = бонусы «Спасибо»
receipt-tender-points = баллы
receipt-tender-balance = баланс счёта
receipt-form-cashless = Безналичными
receipt-form-prepaid = Предоплатой (зачёт аванса)
receipt-form-consideration = Встречным предоставлением
receipt-ofd = Чек зарегистрирован оператором фискальных данных (тестовый ОФД). Проверить: ФН, ФД и ФП.
email-order-paid-subject = Заказ № { $number } оплачен
email-order-paid-body =
    Заказ № { $number } оплачен: { $total }.
    Кассовый чек: { $link }
sms-order-paid = Заказ { $number } оплачен: { $total }. Чек: { $link }

## Staff console (issue 12)
staff-console = Персонал
staff-footer = Консоль сотрудников магазина. Все действия записываются в журнал.
staff-login-title = Вход для сотрудников
staff-login-lead = Почта, пароль и код из приложения-аутентификатора.
staff-totp = Код из приложения
staff-enrol-title = Доступ к консоли
staff-enrol-lead = Придумайте пароль. Затем подключите приложение-аутентификатор: без кода из него войти нельзя.
staff-enrol-password = Пароль
staff-enrol-next = Дальше
staff-enrol-scan = Отсканируйте QR-код приложением-аутентификатором (Яндекс Ключ, Google Authenticator и подобные) и введите код, который оно покажет.
staff-enrol-by-hand = Или введите ключ вручную:
staff-enrol-open-app = Открыть в приложении на этом устройстве
staff-enrol-confirm = Подтвердить
staff-enrolled = Доступ настроен. Войдите с паролем и кодом из приложения.
staff-home-title = Консоль сотрудников
staff-home-cases = Заявки на восстановление доступа: проверка и решение вдвоём.
staff-home-customers = Поиск покупателей; контакты открываются с указанием причины.
staff-home-orders = Заказы: поиск и перевод по шагам доставки, отмена до отправки.
staff-home-cards = Заявки на карту Kabinet.
staff-home-certificates = Выпуск подарочных сертификатов партиями (CSV).
staff-home-imports = Загрузка каталога и пунктов выдачи.
staff-home-members = Сотрудники, роли, отключение.
staff-home-audit = Журнал действий сотрудников.
staff-home-reviews-soon = Модерация отзывов появится здесь.
staff-nav-cases = Восстановление доступа
staff-nav-customers = Покупатели
staff-nav-orders = Заказы
staff-nav-cards = Заявки на карту
staff-nav-certificates = Сертификаты
staff-nav-imports = Загрузка данных
staff-nav-members = Сотрудники
staff-nav-audit = Журнал
staff-role = Роль
staff-role-support = Поддержка
staff-role-moderator = Модератор
staff-role-admin = Администратор
staff-status = Состояние
staff-status-invited = Приглашён
staff-status-active = Активен
staff-status-disabled = Отключён
staff-save = Сохранить
staff-disable = Отключить
staff-disable-yes = Да, отключить и завершить его сеансы
staff-invite = Пригласить сотрудника
staff-invite-hint = Ссылка для входа (действует 24 часа) придёт на эту почту.
staff-invite-send = Отправить приглашение
staff-members-invited = Приглашение отправлено.
staff-members-role-changed = Роль изменена.
staff-members-disabled = Сотрудник отключён, его сеансы завершены.
staff-audit-lead = Каждое действие сотрудника: кто, что, над чем, когда и откуда. Записи не изменяются и не удаляются.
staff-audit-when = Когда
staff-audit-who = Кто
staff-audit-what = Действие
staff-audit-target = Над чем
staff-more = Дальше
actor-staff = Служба поддержки
email-staff-enrol-subject = Доступ к консоли сотрудников Kabinet
email-staff-enrol-body =
    Здравствуйте!

    Вас добавили в консоль сотрудников магазина. Чтобы задать пароль и подключить приложение-аутентификатор, откройте ссылку (она действует 24 часа и только один раз):
    { $link }
sms-staff-enrol = Доступ к консоли сотрудников: { $link }
error-staff-sign-in-failed = Неверная почта, пароль или код из приложения.
error-staff-exists = Сотрудник с такой почтой уже есть.
error-enrolment-link-invalid = Ссылка недействительна: она уже использована или истекла. Попросите администратора прислать новую.
error-enrolment-password-first = Сначала задайте пароль.
error-invalid-totp = Код не подходит. Введите код, который сейчас показывает приложение.
error-forbidden-role = Вашей роли это недоступно.
error-staff-not-found = Сотрудник не найден.
error-staff-self = Свою роль и доступ меняет другой администратор.
error-staff-disabled = Сотрудник уже отключён.
error-invalid-role = Роль — support, moderator или admin.
staff-approve = Одобрить
staff-reject = Отклонить
staff-certificates-lead = Сертификаты действуют 3 года. Kabinet хранит только отпечатки номеров: скачанный файл — единственная копия номеров и кодовых слов.
staff-certificates-value = Номинал, ₽
staff-certificates-count = Сколько штук (до 10 000)
staff-certificates-hint = После нажатия браузер скачает CSV: номер;кодовое слово;номинал;действует до.
staff-certificates-issue = Выпустить и скачать CSV
staff-cards-lead = Заявки на карту Kabinet, сначала самые старые. Одобренная заявка сразу даёт покупателю платиновый статус; о решении покупатель узнаёт по SMS.
staff-cards-none = Новых заявок нет.
staff-cards-applicant = Заявитель
staff-cards-city = Город
staff-cards-submitted = Подана
staff-cards-approved = Заявка одобрена.
staff-cards-rejected = Заявка отклонена.
staff-imports-lead = Те же проверки, что у команд kabinet catalog import и kabinet pickup-points import: если хоть одна строка с ошибкой, ничего не загружается.
staff-import-what = Что загружаем
staff-import-kind-catalog = Каталог товаров
staff-import-kind-pickup_points = Пункты выдачи и постаматы
staff-import-file = Файл CSV или JSON
staff-import-hint = CSV с заголовком (запятая или точка с запятой) или JSON-массив, в UTF-8; до 32 МБ.
staff-import-submit = Загрузить
staff-import-row = Строка
staff-import-problem = Ошибка
staff-import-rows = { $n ->
    [one] { $n } строка загружена
    [few] { $n } строки загружены
   *[many] { $n } строк загружено
}
staff-import-refused = { $n ->
    [one] Файл не загружен: ошибка в { $n } строке.
   *[other] Файл не загружен: ошибки в { $n } строках.
}
staff-import-no-file = Выберите файл.
staff-import-not-utf8 = Файл не в кодировке UTF-8. Сохраните его как «CSV UTF-8».
error-import-refused = Файл не загружен: в строках есть ошибки.
staff-action-sign_in = Вход в консоль
staff-action-sign_out = Выход из консоли
staff-action-staff_added = Сотрудник приглашён
staff-action-staff_role_changed = Роль изменена
staff-action-staff_disabled = Сотрудник отключён
staff-action-certificates_issued = Выпущены сертификаты
staff-action-card_application_approved = Заявка на карту одобрена
staff-action-card_application_rejected = Заявка на карту отклонена
staff-action-catalog_imported = Загрузка каталога
staff-action-pickup_points_imported = Загрузка пунктов выдачи
staff-action-recovery_case_viewed = Просмотр заявки на восстановление
staff-action-recovery_case_approved = Заявка на восстановление одобрена
staff-action-recovery_case_rejected = Заявка на восстановление отклонена
staff-action-customer_viewed = Просмотр покупателя
staff-action-customer_contacts_opened = Открыты контакты покупателя
staff-action-order_status_changed = Статус заказа изменён
staff-action-order_cancelled = Заказ отменён
staff-resend = Новая ссылка для входа
staff-members-resent = Новая ссылка отправлена на почту сотрудника. Старые пароль и приложение работают, пока он не подтвердит новые.
staff-action-staff_enrolment_sent = Отправлена новая ссылка для входа

## Staff: orders and customers
staff-find = Найти
staff-nothing-found = Ничего не найдено.
staff-orders-q = Номер заказа, телефон или почта покупателя
staff-orders-q-hint = 1024, +7 916 123-45-67, ivan@mail.ru
staff-orders-any-status = Любой статус
staff-order-number = Номер
staff-order-customer = Покупатель
staff-order-moved = Статус заказа изменён: { $status }. Покупатель получил уведомление.
staff-order-move-to = Перевести в статус «{ $status }»
staff-order-cancel = Отменить заказ
staff-order-cancel-hint = Товары вернутся на склад, бонусы, баллы и баланс — покупателю, деньги за оплату картой или СБП вернутся тем же способом. Покупатель получит уведомление.
staff-order-cancel-yes = Да, отменить заказ и вернуть деньги
staff-delivery-courier = Курьер
staff-delivery-pickup_point = Пункт выдачи
staff-delivery-parcel_locker = Постамат
staff-customers-q = Имя, телефон или почта
staff-customers-q-hint = Иванов, +7 916 123-45-67, ivan@mail.ru
staff-customers-masked = Контакты скрыты. Чтобы увидеть их полностью, откройте покупателя и укажите причину — она попадёт в журнал, а покупатель увидит это в разделе «Безопасность».
staff-customer-name = Имя
staff-customer-phone = Телефон
staff-customer-since = С нами с
staff-customer-no-name = Без имени
staff-customer-reason = Причина
staff-customer-reason-hint = Например, номер обращения. От 3 до 500 символов; запишется в журнал.
staff-customer-reveal = Показать контакты
staff-customer-opened = Контакты открыты. Это записано в журнал и в журнал безопасности покупателя.
order-news-assembling = собирается
order-news-shipped = передан в доставку
order-news-ready_for_pickup = ждёт вас в пункте выдачи
order-news-received = получен. Спасибо за покупку!
order-news-cancelled = отменён
order-news-cancelled-refund = отменён, деньги вернутся тем же способом, которым вы платили, обычно в течение нескольких дней
sms-order-status = Kabinet: заказ № { $number } { $news }.
email-order-status-subject = Заказ № { $number } { $news }
email-order-status-body =
    { $greeting }

    Заказ № { $number } { $news }.

    Подробности заказа: { $link }
event-support_contacts_opened = Служба поддержки открыла ваши контактные данные
error-reason-required = Укажите причину (для журнала действий).
error-customer-not-found = Покупатель не найден.
error-query-too-long = Слишком длинный запрос.


## Staff: recovery cases
staff-cases-lead = Заявки тех, кто потерял доступ и к почте. Сверьте данные; ссылку на новый контакт отправит одобрение двух разных сотрудников.
staff-cases-filter = Показать заявки
staff-cases-filter-open = Открытые
staff-cases-filter-approved = Одобренные
staff-cases-filter-rejected = Отклонённые
staff-cases-filter-all = Все
staff-cases-none = Заявок нет.
staff-case-title = Заявка на восстановление доступа
staff-case-created = Подана
staff-case-full-name = ФИО
staff-case-old-email = Прежняя почта
staff-case-new-contact = Новый контакт
staff-case-comment = Комментарий
staff-case-approvals = Одобрения
staff-case-account-found = аккаунт найден
staff-case-no-account = аккаунта с этой почтой нет
staff-case-status-new = Новая
staff-case-status-awaiting_second = Ждёт второго одобрения
staff-case-status-approved = Одобрена
staff-case-status-rejected = Отклонена
staff-case-evidence = Проверка данных
staff-case-evidence-lead = Сверено с аккаунтом автоматически; сами сохранённые данные не показываются.
staff-case-order-number = Номер заказа
staff-case-delivery-address = Адрес доставки
staff-case-card-last4 = Последние 4 цифры карты
staff-case-check-yes = совпадает
staff-case-check-no = не совпадает
staff-case-check-none = не указано
staff-case-first-approver = Первым одобрил: { $who }
staff-case-second-approver = Вторым одобрил: { $who }
staff-case-rejected-by = Отклонил: { $who }
staff-case-needs-second = Вы уже одобрили заявку. Нужно одобрение второго сотрудника.
staff-case-approve-hint = Ссылку на новый контакт отправит одобрение второго сотрудника. Пароль сотрудник не задаёт.
staff-case-approve = Одобрить
staff-case-cannot-approve = Одобрить нельзя: аккаунта с этой почтой нет. Отклоните заявку с объяснением.
staff-case-reject-reason = Причина отказа
staff-case-reject-hint = До 500 символов; человек получит её на новый контакт.
staff-case-reject = Отклонить
staff-case-done-first = Заявка одобрена. Нужно одобрение второго сотрудника.
staff-case-done-approved = Заявка одобрена: одноразовая ссылка отправлена на новый контакт.
staff-case-done-rejected = Заявка отклонена, человеку сообщили причину.
reset-support-contact = После сохранения пароля { $contact } станет контактом вашего аккаунта; войти можно будет с ним.
email-support-case-approved-subject = Восстановление доступа: ссылка
email-support-case-approved-body =
    Здравствуйте!

    Заявка { $case } одобрена. Чтобы задать новый пароль, откройте ссылку (она действует 1 час и только один раз):
    { $link }

    После этого эта почта станет почтой вашего аккаунта. Если заявку подавали не вы, просто не открывайте ссылку.
sms-support-case-approved = Kabinet: заявка { $case } одобрена. Задайте пароль по ссылке (1 час, один раз): { $link }
email-support-case-rejected-subject = Заявка на восстановление доступа отклонена
email-support-case-rejected-body =
    Здравствуйте!

    Заявка { $case } отклонена. Причина: { $reason }

    Вы можете подать новую заявку с другими данными.
sms-support-case-rejected = Kabinet: заявка { $case } отклонена. Причина: { $reason }
email-support-recovery-completed-subject = Служба поддержки восстановила доступ к аккаунту
email-support-recovery-completed-body =
    Здравствуйте!

    По заявке в службу поддержки доступ к вашему аккаунту Kabinet восстановлен: задан новый пароль и новый контакт, все сеансы завершены. Следующие 72 часа контакты в аккаунте менять нельзя.

    Если это были не вы, срочно напишите в поддержку.
sms-support-recovery-completed = Kabinet: служба поддержки восстановила доступ к аккаунту, все сеансы завершены. Если это были не вы, напишите в поддержку.
event-support_case_approved = Служба поддержки одобрила заявку на восстановление
event-support_case_rejected = Служба поддержки отклонила заявку на восстановление
event-support_recovery_completed = Доступ восстановлен через службу поддержки
error-four-eyes-required = Вы уже одобрили эту заявку. Второе одобрение даёт другой сотрудник.
error-case-decided = По заявке уже принято решение.
error-case-no-account = Аккаунта с указанной почтой нет: заявку нельзя одобрить.
error-case-not-found = Заявка не найдена.
error-reason-too-long = Причина — не длиннее 500 символов.
error-contact-fixed = Эта ссылка уже задаёт новый контакт: сменить его здесь нельзя.
staff-case-full-name-match = ФИО как в аккаунте
error-evidence-not-matched = Одобрить нельзя: с аккаунтом совпадает меньше двух подтверждений (номер заказа, адрес доставки, последние 4 цифры карты). Отклоните заявку с объяснением.
staff-action-staff_enrolled = Доступ настроен (пароль и приложение)
staff-action-customers_searched = Поиск покупателей
staff-action-orders_searched = Поиск заказов покупателя
staff-action-order_viewed = Просмотр заказа

## Issue 13: account care (navigation)
nav-returns = Возвраты
nav-reviews = Мои отзывы
nav-support = Обращения в поддержку
nav-notifications = Уведомления
nav-my-data = Мои данные
staff-nav-returns = Возвраты
staff-nav-reviews = Отзывы
staff-nav-tickets = Обращения

## Issue 13: notification settings
notice-greeting = Здравствуйте, { $name }!
notice-greeting-anon = Здравствуйте!
notifications-intro = Выберите, как сообщать вам о заказах и ответах поддержки. О входах и смене контактов мы сообщаем всегда.
notifications-orders = Заказы и возвраты
notifications-orders-hint = Статус заказа изменился, решение по возврату.
notifications-support = Ответы поддержки
notifications-promotions = Акции и скидки
notifications-promotions-hint = Только с вашего согласия; отказаться можно в любой момент.
notifications-security = Безопасность
notifications-security-hint = Входы, смена пароля, почты и телефона. Эти уведомления нельзя отключить.
notifications-by-sms = По СМС
notifications-by-email = По почте
notifications-no-phone = Телефон не указан: СМС отправлять некуда. Добавьте его в «Личных данных».
notifications-no-email = Почта не указана или не подтверждена: письма отправлять некуда.
notifications-save = Сохранить
notifications-saved = Настройки уведомлений сохранены.
event-promotions_consent_given = Дано согласие на рекламные рассылки
event-promotions_consent_withdrawn = Согласие на рекламные рассылки отозвано
error-security-notices-required = Уведомления о безопасности нельзя отключить.

## Issue 13: my data
mydata-export-title = Скачать мои данные
mydata-export-text = Всё, что магазин хранит о вас: профиль, контакты, адреса, устройства и история входов, заказы, баллы и баланс, отзывы, обращения и согласия — одним файлом JSON.
mydata-export-button = Скачать файл
mydata-delete-title = Удалить аккаунт
mydata-delete-text = Удаление нельзя отменить. Все устройства выйдут из аккаунта сразу.
mydata-delete-erased = Имя, телефон, почта, адреса, карты, отзывы и обращения будут удалены; телефон и почту можно будет использовать снова.
mydata-delete-kept = Заказы останутся в учёте магазина без ваших персональных данных — этого требует закон.
mydata-delete-wallet = Баллы и деньги на балансе сгорят: потратьте их до удаления.
mydata-delete-underway = Сейчас удалить аккаунт нельзя: есть заказ в пути или возврат, по которому ещё не вернули деньги.
mydata-delete-confirm = Я понимаю, что аккаунт и мои данные будут удалены без возможности восстановления
mydata-delete-fresh = Для удаления нужен вход не раньше чем 15 минут назад: если он был раньше, мы попросим войти заново.
mydata-delete-button = Удалить аккаунт
mydata-confirm-needed = Отметьте, что вы понимаете последствия удаления.
mydata-deleted-title = Аккаунт удалён
mydata-deleted-text = Ваши персональные данные удалены, все сеансы завершены. Мы отправили письмо об этом.
mydata-deleted-home = На главную
error-orders-in-progress = Есть заказ в пути или возврат, по которому ещё не вернули деньги: дождитесь их, затем удалите аккаунт.
email-account-deleted-subject = Аккаунт удалён
email-account-deleted-body = Ваш аккаунт в магазине удалён, персональные данные стёрты. Заказы остаются в учёте магазина без ваших данных. Если это были не вы, ответьте на это письмо.
sms-account-deleted = Ваш аккаунт удалён, персональные данные стёрты.

## Issue 13: returns
order-return-goods = Вернуть товар
return-lead = Заявки на возврат товаров из полученных заказов: статус, сумма и куда вернутся деньги.
return-none = Заявок на возврат пока нет. Вернуть товар можно со страницы полученного заказа.
return-how = Вернуть товар можно в течение { $n ->
    [one] { $n } дня
   *[other] { $n } дней
} после получения заказа: откройте заказ в разделе «Мои заказы» и нажмите «Вернуть товар». Стоимость доставки не возвращается.
return-done-requested = Заявка на возврат отправлена. Мы сообщим о решении.
return-done-refunded = Возврат оформлен, деньги возвращены.
return-status-requested = На рассмотрении
return-status-approved = Одобрен, деньги в пути
return-status-refunded = Деньги возвращены
return-status-rejected = Отклонён
return-amount = Сумма
return-to = Куда вернуть деньги
return-to-card = На карту
return-to-balance = На баланс
return-money-back = Возвращено деньгами
return-points-back = Возвращено баллов
return-points-taken = Списано начисленных баллов
return-reason = Причина
return-reject-reason = Причина отказа
return-reason-defect = Брак или повреждение
return-reason-wrong-item = Привезли не тот товар
return-reason-not-as-described = Не соответствует описанию
return-reason-changed-mind = Передумал(а)
return-reason-other = Другое
return-new-title = Возврат товара из заказа
return-until = Вернуть товар можно до { $date }.
return-choose-lines = Что вернуть: укажите количество
return-quantity = Количество
return-left = { $n ->
    [one] Можно вернуть ещё { $n } шт.
   *[other] Можно вернуть ещё { $n } шт.
}
return-line-done = Уже в возврате
return-comment = Комментарий (необязательно)
return-money-rules = Часть, оплаченная баллами, вернётся баллами; баллы, начисленные за возвращаемый товар, будут списаны. Бонусы «Спасибо» возвращаются деньгами.
return-submit = Отправить заявку
return-back = Назад к заказу
error-order-not-received = Вернуть можно только товар из полученного заказа.
error-return-window-closed = Срок возврата истёк: вернуть товар можно только в течение установленного срока после получения заказа.
error-return-quantity-exceeded = Столько вернуть нельзя: это больше, чем куплено, с учётом уже оформленных возвратов.
error-product-not-in-order = Этого товара нет в заказе.
error-card-refund-unavailable = Заказ оплачен не картой: деньги можно вернуть только на баланс.
error-card-refund-exceeded = На карту уже вернули почти всю оплаченную ею сумму: выберите возврат на баланс.
error-invalid-return-quantity = Укажите количество — целое число от 1.
error-invalid-refund-to = Выберите, куда вернуть деньги: на карту или на баланс.
error-return-reason-required = Укажите причину возврата.
error-text-has-html = Текст не должен содержать HTML-теги.
error-return-not-found = Заявка на возврат не найдена.
error-return-decided = По этой заявке на возврат уже принято решение.
error-return-nothing-chosen = Укажите количество хотя бы у одного товара.
email-return-requested-subject = Заявка на возврат по заказу № { $number }
email-return-requested-body =
    { $greeting }

    Мы получили заявку на возврат: «{ $title }», { $quantity } шт., на сумму { $amount } (заказ № { $number }). Деньги вернутся { $to }. Мы сообщим о решении.

    Ваши возвраты: { $link }
sms-return-requested = Kabinet: заявка на возврат по заказу № { $number } принята, сообщим о решении.
email-return-approved-subject = Возврат по заказу № { $number } одобрен
email-return-approved-body =
    { $greeting }

    Возврат «{ $title }» ({ $quantity } шт., { $amount }, заказ № { $number }) одобрен. Деньги вернутся { $to } в ближайшее время.

    Ваши возвраты: { $link }
sms-return-approved = Kabinet: возврат по заказу № { $number } одобрен, деньги вернутся { $to }.
email-return-refunded-subject = Деньги за возврат по заказу № { $number } возвращены
email-return-refunded-body =
    { $greeting }

    Возврат «{ $title }» ({ $quantity } шт., { $amount }, заказ № { $number }) оформлен: деньги возвращены { $to }.

    Ваши возвраты: { $link }
sms-return-refunded = Kabinet: возврат по заказу № { $number } оформлен, { $amount } возвращены { $to }.
email-return-rejected-subject = Возврат по заказу № { $number } отклонён
email-return-rejected-body =
    { $greeting }

    К сожалению, возврат «{ $title }» ({ $quantity } шт., заказ № { $number }) отклонён.
    Причина: { $reason }

    Если вы не согласны, напишите в поддержку. Ваши возвраты: { $link }
sms-return-rejected = Kabinet: возврат по заказу № { $number } отклонён. Причина: { $reason }
return-to-card-words = на карту
return-to-balance-words = на баланс
staff-returns-lead = Заявки покупателей на возврат. Одобрение сразу возвращает деньги: на карту (через банк) или на баланс, и баллы.
staff-returns-filter = Статус заявок
staff-returns-filter-requested = Новые
staff-returns-filter-approved = Ждут банка
staff-returns-filter-refunded = Возвращены
staff-returns-filter-rejected = Отклонены
staff-returns-filter-all = Все
staff-returns-none = Заявок нет.
staff-return-created = Создана
staff-return-order = Заказ
staff-return-goods = Товар
staff-return-title = Заявка на возврат
staff-return-order-paid = Оплата заказа
staff-return-card-part = картой
staff-return-customer = Покупатель
staff-return-decided-by = Решение принял
staff-return-auto = Автоматически (небольшая сумма)
staff-return-approve = Одобрить и вернуть деньги
staff-return-approve-hint = Деньги вернутся сразу: на карту — через банк, на баланс — мгновенно; баллы вернутся и спишутся по правилам.
staff-return-reject-reason = Причина отказа
staff-return-reject-hint = Покупатель увидит причину в разделе «Возвраты» и в уведомлении.
staff-return-reject = Отклонить
staff-return-done-refunded = Возврат одобрен, деньги возвращены.
staff-return-done-approved = Возврат одобрен; банк ещё не подтвердил возврат на карту.
staff-return-done-rejected = Возврат отклонён, покупатель уведомлён.
staff-action-return_approved = Возврат одобрен
staff-action-return_rejected = Возврат отклонён

## Issue 13: reviews and support requests
reviews-title = Отзывы
reviews-count = { $n } { $n ->
    [one] отзыв
    [few] отзыва
   *[many] отзывов
}
reviews-none = Отзывов пока нет. Оставить отзыв можно на странице полученного заказа.
reviews-pending = На модерации
reviews-published = Опубликованы
reviews-rejected = Отклонены
reviews-none-here = Здесь пока пусто.
reviews-empty = Вы ещё не писали отзывов. Оставить отзыв можно о полученном товаре: откройте заказ или
reviews-done-created = Спасибо! Отзыв отправлен на модерацию — он появится на странице товара после проверки.
reviews-done-edited = Отзыв сохранён и снова отправлен на модерацию.
review-status-pending = На модерации
review-status-published = Опубликован
review-status-rejected = Отклонён
review-reject-reason = Причина отклонения
review-edit = Изменить
review-edit-again = Исправить и отправить снова
review-leave = Оставить отзыв
review-form-title = Оставить отзыв
review-form-edit-title = Изменить отзыв
review-rating = Оценка
review-stars-label = { $n ->
    [one] { $n } звезда из 5
    [few] { $n } звезды из 5
   *[many] { $n } звёзд из 5
}
review-text = Отзыв
review-text-hint = От 10 до 4000 символов, без HTML-разметки.
review-pros = Достоинства
review-cons = Недостатки
review-send = Отправить на модерацию
review-save = Сохранить
review-author-anonymous = Покупатель
staff-home-reviews = Отзывы покупателей: опубликовать или отклонить с причиной
staff-reviews-pending = На модерации
staff-reviews-published = Опубликованные
staff-reviews-rejected = Отклонённые
staff-review-publish = Опубликовать
staff-review-reject = Отклонить
staff-review-reason = Причина
staff-review-published = Отзыв опубликован.
staff-review-rejected = Отзыв отклонён, автор увидит причину.
staff-action-review_published = Отзыв опубликован
staff-action-review_rejected = Отзыв отклонён
error-not-purchased = Отзыв можно оставить только о товаре, который вы купили и получили.
error-review-exists = Вы уже написали отзыв об этом товаре: его можно изменить в разделе «Мои отзывы».
error-review-published = Опубликованный отзыв изменить нельзя.
error-review-not-found = Отзыв не найден.
error-review-decided = По этому отзыву уже принято решение.
error-invalid-rating = Поставьте оценку от 1 до 5.
error-review-text-too-short = Отзыв слишком короткий: нужно хотя бы { $min } символов.
error-review-text-too-long = Отзыв слишком длинный: не больше { $max } символов.
error-review-part-too-long = Достоинства и недостатки — не больше { $max } символов каждое.
error-markup-not-allowed = Уберите HTML-разметку (теги в угловых скобках): текст публикуется как есть.
error-reject-reason-required = Напишите причину: автор отзыва её увидит.
email-review-rejected-subject = Отзыв не прошёл модерацию
email-review-rejected-body =
    { $greeting }

    Ваш отзыв о товаре «{ $title }» не прошёл модерацию. Причину и форму, чтобы исправить отзыв, вы найдёте в разделе «Мои отзывы»: { $link }
sms-review-rejected = Kabinet: отзыв о товаре «{ $title }» не прошёл модерацию. Причина в разделе «Мои отзывы»: { $link }
ticket-status-open = Открыто
ticket-status-answered = Есть ответ
ticket-status-closed = Закрыто
ticket-done-created = Обращение отправлено. Ответ придёт сюда, мы сообщим о нём по SMS или почте.
ticket-done-sent = Сообщение отправлено.
ticket-done-closed = Обращение закрыто.
tickets-lead = Напишите нам — ответим здесь и сообщим об ответе. Телефон и почта поддержки:
tickets-none = Обращений пока нет.
tickets-new = Новое обращение
tickets-subject = Тема
tickets-order = Заказ
tickets-order-none = Без заказа
tickets-text = Сообщение
tickets-send = Отправить
tickets-reply = Ответить
tickets-close = Закрыть обращение
tickets-closed-hint = Обращение закрыто. Если вопрос остался, создайте новое.
tickets-from-shop = Поддержка Kabinet
tickets-from-me = Вы
tickets-contacts-title = Связаться с магазином
tickets-contacts-lead = Служба поддержки отвечает по телефону, почте и в мессенджерах. Войдите, чтобы написать обращение и видеть ответы в личном кабинете.
tickets-phone = Телефон
tickets-hours = Часы работы
tickets-email = Электронная почта
tickets-no-access = Не получается войти?
tickets-login-hint = — обращения и ответы будут в личном кабинете
tickets-recovery = Забыли пароль или сменили номер телефона
tickets-recovery-support = Нет доступа ни к почте, ни к телефону: заявка на восстановление через поддержку
staff-home-tickets = Обращения покупателей: ответить и закрыть
staff-tickets-open = Открытые
staff-tickets-answered = С ответом
staff-tickets-closed = Закрытые
staff-tickets-any = Все
staff-ticket-updated = Изменено
staff-ticket-answer = Ответ покупателю
staff-ticket-answered = Ответ отправлен, покупатель получит уведомление.
staff-ticket-from-customer = Покупатель
staff-action-ticket_viewed = Просмотр обращения
staff-action-ticket_answered = Ответ на обращение
staff-action-ticket_closed = Обращение закрыто
error-subject-required = Напишите тему обращения.
error-subject-too-long = Тема — не длиннее { $max } символов.
error-message-required = Напишите сообщение.
error-message-too-long = Сообщение — не длиннее { $max } символов.
error-ticket-not-found = Обращение не найдено.
error-ticket-closed = Обращение закрыто: создайте новое.
error-too-many-tickets = Сегодня вы создали много обращений. Новое можно будет создать { $wait } — или напишите в одно из открытых.
email-support-answered-subject = Ответ на обращение «{ $subject }»
email-support-answered-body =
    { $greeting }

    Служба поддержки ответила на ваше обращение «{ $subject }». Прочитать ответ: { $link }
sms-support-answered = Kabinet: поддержка ответила на обращение «{ $subject }». Ответ: { $link }
error-invalid-review-status = Статус отзыва — pending, published или rejected.
error-invalid-ticket-status = Статус обращения — open, answered, closed или any.
reviews-more = Показать ещё отзывы
error-too-many-messages = Слишком много сообщений за сутки. Попробуйте завтра или позвоните нам.
error-review-changed = Автор изменил отзыв, пока вы его читали: прочитайте новую версию.
returns-partly-filed = Заявка по другим товарам уже оформлена ({ $n }), она в «Возвратах». Не получилось с остальными:
