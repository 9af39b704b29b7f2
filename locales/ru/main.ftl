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

home-title = Добро пожаловать в Kabinet
home-lead = Здесь покупатель входит по коду из СМС или письма, видит свои заказы, корзину, избранное, баллы и баланс.
home-signed-in = Вы вошли. Откройте личный кабинет, чтобы увидеть данные и устройства.
catalog-title = Каталог
catalog-soon = Каталог товаров скоро появится здесь.

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
error-invalid-json = Тело запроса — не корректный JSON.
error-invalid-body = Поля запроса заполнены неверно. { $detail }
error-json-expected = Ожидается JSON (Content-Type: application/json).
error-invalid-query = Параметры запроса заданы неверно. { $detail }
error-body-too-large = Слишком большой запрос.
error-unauthorized = Нужно войти.
error-forbidden = Доступ запрещён.
error-cross-origin = Запрос с другого сайта отклонён.
error-csrf-failed = Страница устарела. Обновите её и попробуйте снова.
error-not-found = Не найдено.
error-method-not-allowed = Метод не поддерживается.
error-timeout = Сервер не успел ответить. Попробуйте ещё раз.
error-unsupported-media-type = Неподдерживаемый формат запроса.
error-too-many-requests = Слишком много запросов. Повторите через { $seconds } с.
error-internal = Внутренняя ошибка. Мы уже разбираемся.
error-invalid-phone = Введите номер мобильного телефона, например +7 916 123-45-67.
error-phone-not-supported = На этот номер мы не можем отправить СМС: нужен мобильный номер России, Беларуси или Казахстана.
error-invalid-email = Введите адрес электронной почты, например ivan@mail.ru.
error-invalid-channel = Способ отправки кода должен быть sms, voice или email.
error-invalid-purpose = Неизвестное назначение кода.
error-resend-too-soon = Новый код можно получить через { $seconds } с.
error-too-many-codes = Слишком много кодов. Повторите через { $seconds } с.
error-voice-needs-sms = Сначала получите код по СМС.
error-voice-too-soon = Позвонить можно через { $seconds } с.
error-invalid-code = Неверный код. Осталось попыток: { $left }.
error-code-expired = Код устарел или использован. Запросите новый.
error-code-entry-locked = Слишком много неверных кодов. Ввод кода заблокирован, повторите через { $seconds } с.

sms-code-login = Код для входа: { $code }. Никому его не сообщайте.

    @{ $host } #{ $code }
voice-code = Ваш код для входа: { $code }. Повторяю: { $code }.
email-code-login-subject = Код для входа в Kabinet
email-code-login-body =
    Здравствуйте!

    Ваш код для входа: { $code }
    Он действует { $minutes } мин. Никому его не сообщайте.

    Если вы не пытались войти, просто проигнорируйте это письмо.
