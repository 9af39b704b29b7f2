brand = Kabinet
tagline = Your customer account
nav-catalog = Catalogue
nav-login = Sign in
nav-profile = Profile
nav-account = My account
nav-logout = Sign out
nav-security = Security
nav-personal = Personal data
footer-api = API for apps
footer-lang = Language

home-title = Welcome to Kabinet
home-lead = Sign in with a code by SMS or email to see your orders, cart, favourites, points and balance.
home-signed-in = You are signed in. Open your account to see your data and devices.
catalog-title = Catalogue
catalog-soon = The product catalogue is coming here soon.

login-title = Sign in
login-lead = Enter your phone number and we will send a sign-in code. A new account is opened if you have none.
login-lead-email = Enter your email and we will send a sign-in code (a temporary password).
login-phone = Phone
login-email = Email
login-get-code = Get code
login-by-email = Sign in by email
login-by-phone = Sign in by phone
login-code = Code
login-submit = Sign in
login-sent-to = The code was sent to { $contact }
login-sent-voice = A robot is calling { $contact } to read out the code
login-resend = Get a new code
login-resend-in = You can get a new code in { $seconds } s
login-call = Call me
login-call-hint = No SMS? A robot will call and read out the code.
login-call-in = You can ask for a call in { $seconds } s
login-other = Use another phone or email
login-code-hint = Spaces and dashes in the code do not matter.

account-title = My account
account-greeting = Hello, { $name }!
account-greeting-anon = Hello!
account-name = Name
account-no-name = not set
account-phone = Phone
account-email = Email
account-email-unconfirmed = not confirmed
account-none = not set
account-sections = Sections
security-title = Security
security-sessions = Devices and sessions
security-device = Device
security-ip = IP address
security-created = Signed in
security-last-seen = Last active
security-this-device = This device
security-end = End
security-end-all = Sign out on all devices
security-end-others = End all other sessions
security-history = Sign-ins and changes (90 days)
security-event = Event
security-result = Result
security-when = When
event-sign_in = Sign-in
event-sign_out = Sign-out
event-sign_out_all = Signed out everywhere
event-session_ended = Session ended
event-sessions_ended = Other sessions ended
event-code_entry = Wrong code
event-code_entry_locked = Code entry locked

docs-title = API for apps
docs-lead = OpenAPI description: 

error-page-title = Something went wrong
error-page-not-found = Page not found
error-page-server = Something broke on our side
error-page-home = Home page

error-bad-request = Bad request.
error-invalid-json = The request body is not valid JSON.
error-invalid-body = The request fields are wrong. { $detail }
error-json-expected = JSON expected (Content-Type: application/json).
error-invalid-query = The query parameters are wrong. { $detail }
error-body-too-large = The request is too large.
error-unauthorized = Please sign in.
error-forbidden = Access denied.
error-cross-origin = A request from another site was refused.
error-csrf-failed = This page has expired. Reload it and try again.
error-not-found = Not found.
error-method-not-allowed = Method not allowed.
error-timeout = The server took too long. Please try again.
error-unsupported-media-type = Unsupported request format.
error-too-many-requests = Too many requests. Try again in { $seconds } s.
error-internal = Internal error. We are looking into it.
error-invalid-phone = Enter a mobile phone number, e.g. +7 916 123-45-67.
error-phone-not-supported = We cannot text this number: a mobile number of Russia, Belarus or Kazakhstan is needed.
error-invalid-email = Enter an email address, e.g. ivan@mail.ru.
error-invalid-channel = The code channel must be sms, voice or email.
error-invalid-purpose = Unknown code purpose.
error-resend-too-soon = You can get a new code in { $seconds } s.
error-too-many-codes = Too many codes. Try again in { $seconds } s.
error-voice-needs-sms = Get a code by SMS first.
error-voice-too-soon = You can ask for a call in { $seconds } s.
error-invalid-code = Wrong code. Attempts left: { $left }.
error-code-expired = The code has expired or was used. Ask for a new one.
error-code-entry-locked = Too many wrong codes. Code entry is locked; try again in { $seconds } s.

sms-code-login = Sign-in code: { $code }. Do not share it.

    @{ $host } #{ $code }
voice-code = Your sign-in code is { $code }. Once again: { $code }.
email-code-login-subject = Your Kabinet sign-in code
email-code-login-body =
    Hello!

    Your sign-in code: { $code }
    It is valid for { $minutes } min. Do not share it.

    If you did not try to sign in, just ignore this email.
