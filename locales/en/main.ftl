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
nav-payment-methods = Payment methods
nav-addresses = Delivery addresses
unit-g = g
unit-cm = cm
unit-kg = kg
nav-menu = Menu
nav-cart-count = { $n ->
    [one] { $n } item in the cart
   *[other] { $n } items in the cart
}
items = { $n } { $n ->
    [one] item
   *[other] items
}
parcels-count = { $n } { $n ->
    [one] parcel
   *[other] parcels
}

home-title = Welcome to Kabinet
home-lead = Sign in with a code by SMS or email to see your orders, cart, favourites, points and balance.
home-signed-in = You are signed in. Open your account to see your data and devices.
catalog-title = Catalogue

login-for-checkout = Sign in to place the order: the goods stay in your cart.
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
account-none-f = not given
account-name-prompt = How should we address you? The name appears in greetings, emails and orders.
account-name-give = Give a name
account-underway = Current orders
account-nothing-underway = Nothing is on its way now. Have a look at the catalogue:
account-expected = expected
account-all-orders = All orders
account-no-favorites = Press “Add to favourites” on a product and it appears here.
account-all-favorites = All favourites
account-cards = { $n ->
    [one] { $n } saved card
   *[other] { $n } saved cards
}
account-manage = Manage
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
security-end-ask = End the session on “{ $device }”? It will have to sign in again.
security-end-this-ask = This is your current session: ending it signs you out on this device.
security-end-yes = Yes, end it
security-end-others-ask = Every other device will be signed out; this one stays.
security-end-others-yes = Yes, end the other sessions
security-end-all-ask = You will be signed out on every device, this one included. Sign in again with a code.
security-end-all-yes = Yes, sign out everywhere
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
error-invalid-body = The request fields are wrong{ $problem ->
    [missing] : the field “{ $field }” is missing.
    [unknown] : the field “{ $field }” is not expected.
    [type] : the field “{ $field }” has a wrong type or value.
    [value] : a field has a wrong type or value.
   *[other] .
}
error-json-expected = JSON expected (Content-Type: application/json).
error-invalid-query = The query parameters are wrong{ $problem ->
    [missing] : the parameter “{ $field }” is missing.
    [unknown] : the parameter “{ $field }” is not expected.
    [type] : the parameter “{ $field }” has a wrong type or value.
    [value] : a parameter has a wrong type or value.
   *[other] .
}
error-body-too-large = The request is too large.
error-unauthorized = Please sign in.
error-forbidden = Access denied.
error-cross-origin = A request from another site was refused.
error-csrf-failed = This page has expired. Reload it and try again.
error-not-found = Not found.
error-method-not-allowed = Method not allowed.
error-timeout = The server took too long. Please try again.
error-unsupported-media-type = Unsupported request format.
error-too-many-requests = Too many requests. Try again in { $wait }.
error-internal = Internal error. We are looking into it.
error-invalid-phone = Enter a mobile phone number, e.g. +7 916 123-45-67.
error-phone-not-supported = We cannot text this number: a mobile number of Russia, Belarus or Kazakhstan is needed.
error-invalid-email = Enter an email address, e.g. ivan@mail.ru.
error-invalid-channel = The code channel must be sms, voice or email.
error-channel-not-available = The shop does not offer this way of getting a code. Choose another.
error-invalid-purpose = Unknown code purpose.
error-resend-too-soon = You can get a new code in { $wait }.
error-too-many-codes = Too many codes. Try again in { $wait }.
error-voice-needs-sms = Get a code by SMS first.
error-voice-too-soon = You can ask for a call in { $wait }.
error-invalid-code = Wrong code. { $left ->
    [one] { $left } attempt left
   *[other] { $left } attempts left
}.
error-code-expired = The code has expired or was used. Ask for a new one.
error-code-entry-locked = Too many wrong codes. Code entry is locked; try again in { $wait }.

sms-code-login = Sign-in code: { $code }. Do not share it.

    @{ $host } #{ $code }
voice-code = Your sign-in code is { $code }. Once again: { $code }.
email-code-login-subject = Your Kabinet sign-in code
email-code-login-body =
    Hello!

    Your sign-in code: { $code }
    It is valid for { $minutes } min. Do not share it.

    If you did not try to sign in, just ignore this email.

login-login = Email or phone
login-password = Password
login-forgot = Forgot your password?
login-by-code = Sign in with a code
login-by-password = Sign in with a password
login-no-account = No account?
register-link = Register
captcha-alt = Picture with the anti-spam code
captcha-label = Anti-spam code
login-dormant = This number has not been used for a long time. To make sure the account is yours, enter the code we emailed to { $contact }.
login-no-email = I have no access to that email
login-no-email-hint = If the email is not yours or you cannot open it, we will detach the number from the old account and open a new one for you.

consent-agree = I agree to the processing of my personal data under the
consent-policy = personal data policy
consent-policy-short = Personal data
consent-login = By pressing “Get code” you agree to the processing of personal data under the
error-consent-required = To register, agree to the processing of personal data.
register-confirm-title = Confirm the registration
privacy-title = Personal data policy
privacy-who = The shop processes customers' personal data under Russian Federal Law 152-FZ “On personal data” — only to sell and deliver orders and to protect the account.
privacy-what-title = What data
privacy-what = Name, phone, email, delivery addresses, orders, the brand and last digits of saved cards (never the number), devices and addresses of sign-ins.
privacy-why-title = Why
privacy-why = Sign-in by code, placing and delivering orders, order notices, fraud protection. Data goes to no one else but the delivery services and the bank — as much as an order needs.
privacy-rights-title = Your rights
privacy-rights = Change your data in “Personal data”, end sessions in “Security”, and withdraw the consent by writing to the shop's support; the account is then deleted.
register-title = Registration
field-first-name = First name
field-last-name = Surname
field-patronymic = Patronymic
field-address-as = How to address you
field-address-as-hint = For example, Igor Valerianovich
password-hint = 8 to 128 characters, any letters and signs. Very common passwords are not accepted.
register-submit = Register
register-have-account = Already have an account? Sign in
confirm-title = Email confirmation
confirm-lead = Press the button to confirm the address and sign in.
confirm-submit = Confirm

recovery-title = Account recovery
recovery-lead = Enter the email of your account and the anti-spam code from the picture. We will send a link to set a new password or change your phone number.
recovery-submit = Send the link
recovery-no-email = No access to your email?
recovery-sent = If this address belongs to an account, we have sent it a link. It is valid for 1 hour.
reset-other-phone = Use another number
personal-add-phone = Add a phone
personal-add-email = Add an email
error-page-recovery = Ask for a new link
reset-title = New password
reset-change-phone = Change phone number
reset-change-phone-lead = If the old number is gone, enter the new one: we will text a code or call.
reset-new-phone = New phone
reset-new-password = New password
reset-submit = Save
reset-done = Done. All sessions have ended: sign in again with the new password.
support-title = Request to support
support-lead = If you can reach neither your phone nor your email, leave a request. Staff will check it and send a one-time link to the new contact.
support-full-name = Full name
support-old-email = Email of the account
support-new-contact = New phone or email to reach you
support-evidence = Give at least two of the three:
support-order = A recent order number
support-address = A delivery address
support-card = Last 4 digits of the card
support-comment = Comment
support-submit = Send the request
support-done = Request received. We will contact you at the new contact.

personal-title = Personal data
personal-save = Save
personal-contacts = Contacts
personal-change-email = Change email
personal-change-phone = Change phone
personal-contacts-hint = The code goes to the new contact. The old one stays until the new one is confirmed, and is notified.
personal-confirm = Confirm the new contact
personal-confirm-submit = Confirm
personal-preview = Letters and notices will be addressed to { $name }.
security-new-password = New password
security-set-password = Set a password for signing in
security-save-password = Save password
done-profile = Saved.
done-contact = Contact changed.
done-password = Password saved. Other sessions have ended.
revert-title = It wasn't me
revert-lead = If you did not change the contact, we will restore the old one and end every session.
revert-submit = It wasn't me
revert-done = The old contact is back and all sessions have ended. Sign in again and change your password.
revert-password-removed = The password set after the contact change was removed and recovery links were cancelled: sign in with a code and set a new password.

event-password_sign_in = Wrong password
event-password_changed = Password changed
event-recovery_requested = Recovery requested
event-recovery_phone_replaced = Phone replaced by recovery
event-recovery_password_set = Password set by recovery
event-profile_changed = Personal data changed
event-email_changed = Email changed
event-phone_changed = Phone changed
event-email_change_reverted = Email change undone
event-phone_change_reverted = Phone change undone
event-password_removed = Password removed after a contact change was reverted
event-phone_detached = Number detached
event-support_case_opened = Support request

error-invalid-credentials = Wrong login or password.
error-captcha-required = Enter the anti-spam code from the picture.
error-invalid-captcha = The anti-spam code is wrong or expired. Try a new one.
error-password-sign-in-locked = Password sign-in is paused for this login. Sign in with a code or reset the password.
error-password-too-short = The password must be at least 8 characters long.
error-password-too-long = The password must be at most 128 characters long.
error-password-common = This password is too common. Choose another.
error-name-required = Enter your first name and surname.
error-invalid-name = A name may have letters, spaces, hyphens and apostrophes (up to 100 characters).
error-contact-taken = This contact belongs to another account.
error-reauth-required = Sign in again to do this.
error-contact-change-on-hold = After an account recovery, contacts can be changed in { $hours } h.
error-contact-unchanged = This is already your contact.
error-email-code-required = This number has not been used for long: enter the code we emailed to { $email }.
error-recovery-link-invalid = The link is invalid or expired. Ask for a new one.
error-code-required = Enter the code from the SMS.
error-full-name-required = Enter your full name.
error-invalid-contact = Enter a phone or an email.
error-not-enough-evidence = At least two confirmations are needed: an order number, a delivery address or card digits.
error-invalid-card-last4 = Enter the last 4 digits of the card.
error-comment-too-long = The comment is too long.
error-revert-link-invalid = The link is invalid or already used.

email-code-register-subject = Confirm your email for Kabinet
email-code-register-body =
    Hello!

    Your confirmation code: { $code } (valid for { $minutes } min).
    Or follow the link: { $link }

    If you did not register, just ignore this email.
email-register-taken-subject = Someone tried to register with your email
email-register-taken-body =
    Hello!

    Someone tried to register at Kabinet with this address, but it already has an account.
    If it was you, sign in: { $link }
    If not, there is nothing to do.
email-code-dormant_email-subject = Your Kabinet sign-in code
email-code-dormant_email-body =
    Hello!

    Someone is signing in to your account with a phone number that has not been used for a long time.
    If it is you, enter the code: { $code } (valid for { $minutes } min).
    If not, do nothing: without this code nobody can sign in.
email-code-change_email-subject = Confirm your new email
email-code-change_email-body =
    Hello!

    The code to confirm your new email: { $code } (valid for { $minutes } min).
sms-code-change_phone = Code to change your number: { $code }. Do not share it.

    @{ $host } #{ $code }
sms-code-recovery_phone = Account recovery code: { $code }. Do not share it.

    @{ $host } #{ $code }
sms-code-register = Confirmation code: { $code }.

    @{ $host } #{ $code }
sms-code-dormant_email = Sign-in code: { $code }.

    @{ $host } #{ $code }
sms-code-change_email = Code: { $code }.

    @{ $host } #{ $code }
email-code-change_phone-subject = Code
email-code-change_phone-body = Code: { $code } ({ $minutes } min).
email-code-recovery_phone-subject = Code
email-code-recovery_phone-body = Code: { $code } ({ $minutes } min).
email-phone-detached-subject = A phone number was detached from your account
email-phone-detached-body =
    Hello!

    The number { $phone } was detached from your Kabinet account: its new owner signed in with it and has no access to your email.
    Your account and orders are safe: sign in by email.
email-password-changed-subject = Password changed
email-password-changed-body =
    Hello!

    The password of your Kabinet account was changed. If it was not you, reset it with «Forgot your password?».
email-recovery-subject = Kabinet account recovery
email-recovery-body =
    Hello!

    To set a new password or change your phone number, follow the link (valid for 1 hour):
    { $link }

    If you did not ask for it, just ignore this email.
email-recovery-unknown-subject = Kabinet account recovery
email-recovery-unknown-body =
    Hello!

    Someone asked to recover an account for this address, but there is none.
    If it was you, perhaps you registered with another email or with a phone number.
email-recovery-phone-replaced-subject = Access restored, phone number replaced
email-recovery-phone-replaced-body =
    Hello!

    Your account was recovered: a new password and a new phone number are set, all sessions have ended.
    Contacts cannot be changed for the next 72 hours.
email-recovery-password-set-subject = Access restored
email-recovery-password-set-body =
    Hello!

    Your account was recovered: a new password is set, all sessions have ended.
sms-recovery-password-set = The password of your Kabinet account was changed; all sessions have ended.
email-support-case-opened-subject = Your recovery request is received
email-support-case-opened-body =
    Hello!

    Your request { $case } is received. Staff will check it and send a one-time link.
sms-support-case-opened = Recovery request { $case } received.
email-contact-changed-email-subject = The email of your account was changed
email-contact-changed-email-body =
    Hello!

    Your Kabinet account now has a new email: { $contact }.
    If it was not you, press «It wasn't me» (the link is valid for 7 days): { $link }
sms-contact-changed-email = Email { $contact } was added to your account. Not you? { $link }
email-contact-changed-phone-subject = The phone of your account was changed
email-contact-changed-phone-body =
    Hello!

    Your Kabinet account now has a new phone: { $contact }.
    If it was not you, press «It wasn't me» (the link is valid for 7 days): { $link }
sms-contact-changed-phone = Your account number was changed to { $contact }. Not you? { $link }

nav-cart = Cart
nav-favorites = Favourites
catalog-results-for = Results for “{ $q }”
catalog-search-example = E.g. kettle or smartphone
catalog-price-from = Price from
catalog-price-to = to
catalog-sort = Order
catalog-sort-popular = Default order
catalog-sort-price_asc = Cheapest first
catalog-sort-price_desc = Most expensive first
catalog-sort-new = Newest first
catalog-found = { $n ->
    [one] { $n } product found
   *[other] { $n } products found
}
catalog-shown = { $n } of { $total } shown
catalog-drop-filters = Search without filters
catalog-try = Try:
catalog-all-goods = all goods
catalog-sold-out = Out of stock
error-invalid-price = A price is a whole number of roubles, e.g. 1500.
catalog-refine = narrow the search or filters to see the rest
catalog-search = Search products
catalog-category = Category
catalog-all = All categories
catalog-find = Find
catalog-nothing = Nothing found.
catalog-to-cart = Add to cart
catalog-to-favorites = Add to favourites
catalog-more = Show more
favorites-remove = Remove from favourites
favorites-empty = No favourites yet.
product-seller = Seller
product-origin = Ships from
product-category = Category
product-weight = Weight
product-size = Size
product-stock = In stock
cart-empty = Your cart is empty.
cart-quantity = Quantity
cart-update = Update
cart-remove = Remove
cart-total = Total
cart-one-parcel = Everything arrives in one parcel
cart-parcels = The order arrives in { $n } parcels
cart-delivery = estimated delivery
parcel-other-seller = another seller
parcel-other-warehouse = another warehouse
parcel-overweight = weight limit exceeded
error-product-not-found = Product not found.
error-invalid-quantity = The quantity must be 0 to 999.
error-not-enough-stock = Not that many in stock: { $available } available.
error-cart-changed = The cart changed while the order was being placed: check it and place the order again.
error-illegal-transition = The order cannot move to this status from its current one.
error-invalid-cursor = Invalid page cursor.
error-invalid-limit = The page size must be 1 to 100.
points-address-example = City or street, e.g. “Moscow, Tverskaya”
points-near-me = Near me
points-locating = Finding where you are…
points-location-denied = Could not find where you are: allow location access or type an address.
points-none = No points found here. Try another address, city or kind of point.
error-invalid-coordinates = Coordinates are numbers: latitude from −90 to 90, longitude from −180 to 180 (e.g. 55.7558 and 37.6173).
points-title = Pickup points and parcel lockers
points-chosen = Chosen point
points-address = City or address
points-kind = Kind of point
points-any = All points
points-pickup = Pickup point
points-locker = Parcel locker
points-fits = Fits my parcels
points-by-coordinates = Find near coordinates
points-lat = Latitude
points-lon = Longitude
points-choose = Choose
error-query-required = Give an address or coordinates.
error-invalid-kind = The kind is pickup_point or parcel_locker.
error-invalid-fits = fits may only be cart.
error-pickup-point-not-found = Pickup point not found.
nav-points = Pickup points
error-idempotency-key-required = The Idempotency-Key header is required.
error-cart-empty = The cart is empty.
error-invalid-address = Give a delivery address.
error-parcel-does-not-fit = The parcel will not fit this locker. Choose a pickup point.
error-payment-declined = Insufficient funds
error-order-not-cancellable = This order can no longer be cancelled.
error-order-not-found = Order not found.
error-invalid-delivery-method = Delivery is courier, pickup_point or parcel_locker.
error-pickup-point-required = Choose a pickup point.
error-card-required = Give the card details.
error-payment-method-not-supported = This payment method is not available yet.
error-invalid-card-number = Wrong card number.
error-card-brand-not-supported = We take Mir, Visa, Mastercard and American Express cards.
error-card-expired = The card has expired or its date is wrong.
error-invalid-cvc = Wrong CVC.
error-invalid-date = Dates are YYYY-MM-DD.
nav-orders = My orders
nav-purchases = Purchased items
checkout-edit-cart = Change the cart
checkout-change-point = Choose another point
checkout-wallets = E-wallet
checkout-recalc = Recalculate
cards-lead = Cards are kept when you tick “Remember the card” at payment. We never store the number — only the brand, last digits and expiry.
cards-none = No saved cards.
cards-valid-till = valid till
cards-delete = Delete the card
cards-delete-ask = Delete the card { $card }? You will type the number again next time.
cards-delete-yes = Yes, delete
cards-deleted = The card is deleted.
addresses-lead = Addresses for courier delivery: at checkout the default one comes first.
addresses-none = No addresses yet — add the first below or type one at checkout.
addresses-make-default = Make default
addresses-delete = Delete
addresses-delete-ask = Delete the address “{ $address }”?
addresses-delete-yes = Yes, delete
addresses-add = New address
addresses-example = Moscow, Tverskaya street 7, apt 12
addresses-as-default = Make it the default address
addresses-save = Save the address
addresses-added = The address is saved.
addresses-default = The default address is changed.
addresses-deleted = The address is deleted.
purchases-search = Product or seller name
purchases-filters = Filters: dates, price, category, seller
purchases-from = Bought from
purchases-to = to
purchases-price-to = Price to
purchases-seller = Seller
purchases-all-sellers = All sellers
purchases-reset = Reset the filters
checkout-title = Checkout
checkout-delivery = Delivery
checkout-to-point = To a pickup point
checkout-no-point = no point chosen
checkout-choose-point = Choose a pickup point
checkout-courier = By courier
checkout-address = Address for the courier
checkout-recipient = Recipient
checkout-payment = Bank card
checkout-card-number = Card number
checkout-exp-month = Month
checkout-exp-year = Year
checkout-pay = Pay
cart-checkout = Proceed to checkout
sandbox-acquirer = Test bank (sandbox)
three-ds-title = Confirm the card payment (3-D Secure)
wallet-pay-title = Pay with { $wallet }
wallet-pay-lead = Confirm the payment from your wallet of
three-ds-lead = Confirm the payment at your bank for
three-ds-confirm = Confirm
three-ds-cancel = Cancel
three-ds-card = Card
orders-active = Current
orders-received = Received
orders-cancelled = Cancelled
orders-none = No orders.
order-cancel-title = Cancel the order
order-cancel-why = Why are you cancelling?
order-cancel-confirm = Yes, cancel the order
order-cancel-keep = Keep the order
order-cancel-refund = The money goes back where it came from: { $to }, usually within 1–3 business days (up to 30 depending on the bank). Sber Spasibo bonuses, points and balance money return at once.
order-cancel-unpaid = The order is not paid yet: no money was taken. The goods go back to the cart.
order-not-paid = not paid
order-pay-now = Pay for the order
order-payment-method = Payment method
order-refund = Refund
order-refund-to = Refund issued: { $to }. It usually arrives within 1–3 business days.
cancel-reason-changed_mind = Changed my mind
cancel-reason-found_cheaper = Found it cheaper
cancel-reason-too_slow = Delivery takes too long
cancel-reason-mistake = Made a mistake ordering
cancel-reason-other = Another reason
error-invalid-cancel-reason = Choose a reason from the list.
thanks-title = Thank you for your order!
thanks-next = What happens next
thanks-next-assemble = The seller packs the order; follow its status in “My orders”.
thanks-next-point = When the parcel reaches the pickup point we send a text. It waits there 7 days; bring your phone to tell the code.
thanks-next-courier = The courier calls the day before to agree on a time.
thanks-next-cancel = Changed your mind? The order can be cancelled while it is being packed; the money goes back the way it was paid.
thanks-to-order = Go to the order
thanks-shop-on = Continue shopping
order-title = Order
order-placed = Placed
order-received = Received
order-goods = Goods
order-delivery-cost = Delivery
order-timeline = Order history
order-cancel = Cancel the order
status-awaiting_payment = Awaiting payment
status-paid = Paid
status-assembling = Being assembled
status-shipped = On the way
status-ready_for_pickup = Waiting at the pickup point
status-received = Received
status-cancelled = Cancelled
error-payment-not-pending = The payment is no longer pending.
error-invalid-status = Unknown order status.
error-saved-card-not-found = Saved card not found.
error-invalid-wallet = The wallet is yoomoney, webmoney, qiwi or paypal.
checkout-new-card = New card
checkout-save-card = Remember the card
wallet-yoomoney = YooMoney
wallet-webmoney = WebMoney
wallet-qiwi = QIWI Wallet
wallet-paypal = PayPal
checkout-total-point = Total with delivery to a point
checkout-total-courier = by courier
order-paid-with = Paid with
order-paid-spasibo = «Spasibo» bonuses
checkout-spasibo = Spend Sberbank «Spasibo» bonuses, ₽
checkout-spasibo-hint = 1 bonus = 1 ₽, up to 99 % of the order; the card pays the rest.
checkout-spasibo-left = «Spasibo» bonuses:
error-invalid-spasibo-amount = «Spasibo» bonuses: a whole number of roubles, not below zero.
error-spasibo-needs-card = «Spasibo» bonuses pay part of an order only together with a card.
error-spasibo-too-large = «Spasibo» bonuses can pay at most { $max }.
error-spasibo-not-enough = The card has fewer «Spasibo» bonuses: { $available } available.
catalog-in-cart = In the cart
points-to-checkout = Back to checkout
checkout-recipient-name = Recipient's name
checkout-recipient-phone = Recipient's phone
error-invalid-recipient-name = Enter the recipient's name (2 to 100 characters).
error-invalid-recipient-phone = The recipient's phone: a mobile number of Russia, Belarus or Kazakhstan.
address-default = default
checkout-new-address = Or a new courier address
error-address-not-found = Address not found.
error-address-or-address-id = Give either a new address or a saved one.
error-too-many-addresses = Too many saved addresses: remove some first.

# A wait in words (`Locale::wait`): unit s, m or h, and the number.
wait = { $unit ->
    [s] { $n } { $n ->
        [one] second
       *[other] seconds
    }
    [m] { $n } { $n ->
        [one] minute
       *[other] minutes
    }
   *[h] { $n } { $n ->
        [one] hour
       *[other] hours
    }
}

# /api/docs: the interactive API reference.
docs-contents = Sections
docs-conventions = Money is integer kopecks, times are RFC 3339 in UTC, lists are {"{"}items, next_cursor{"}"}.
docs-errors = Errors come in one shape:
docs-auth = Calls marked “sign-in required” accept the session cookie (web) or the header
docs-token = Token for the Authorization header (optional)
docs-token-hint = Without a token, requests carry this browser's session cookie: if you are signed in, they act as you.
docs-tag-auth = Sign-in and registration
docs-tag-sessions = Sessions
docs-tag-account = Personal data
docs-tag-recovery = Account recovery
docs-tag-catalog = Catalogue
docs-tag-cart = Cart
docs-tag-favorites = Favourites
docs-tag-delivery = Delivery
docs-tag-orders = Orders
docs-tag-dev = Development
docs-auth-badge = sign-in required
docs-auth-required = Sign-in required: the session cookie or Authorization: Bearer.
docs-auth-optional = Sign-in optional: guests are answered too (a guest's cart is kept by cookie).
docs-parameters = Parameters
docs-in-path = in path
docs-in-query = in query
docs-in-header = header
docs-required = required
docs-request-body = Request body
docs-responses = Responses
docs-schema = Response fields
docs-try = Try it
docs-body-json = Body (JSON)
docs-send = Send
docs-needs-js = Sending from this form needs JavaScript.
docs-sending = Sending…
docs-failed = The request did not reach the server

# wallet: points and co-branded card
nav-loyalty = Points and bonuses
nav-cobrand = Kabinet card
docs-tag-loyalty = Points and the Kabinet card
loyalty-tier-base = Base
loyalty-tier-silver = Silver
loyalty-tier-gold = Gold
loyalty-tier-platinum = Platinum
loyalty-points = { $shown } { $n ->
    [one] point
   *[other] points
}
loyalty-accrual = { $percent } % back in points on every order received
loyalty-reason-purchases = Bought in 12 months: { $amount }. The status counts the goods of orders received.
loyalty-reason-card = Platinum status comes with your approved Kabinet card, whatever you buy.
loyalty-next-silver = { $amount } more to Silver
loyalty-next-gold = { $amount } more to Gold
loyalty-next-platinum = { $amount } more to Platinum
loyalty-top-tier = This is the top status.
loyalty-card-offer = The Kabinet card gives Platinum status at once
loyalty-balance = Points balance
loyalty-rules = 1 point = 1 ₽. Points pay up to { $percent } % of the goods; they expire a year after they were earned, and those expiring first are spent first.
loyalty-expiry = When they expire
loyalty-expiry-none = Nothing is about to expire.
loyalty-expire-on = expire on
loyalty-history = History
loyalty-history-empty = Points are earned when you receive an order.
loyalty-more = Show more
loyalty-kind-earned = Earned for order
loyalty-kind-spent = Paid for order
loyalty-kind-returned = Returned: cancelled order
loyalty-kind-taken-back = Taken back: cancelled or returned order
loyalty-kind-expired = Points expired
loyalty-kind-granted = A gift from the shop
loyalty-cap-share = Points pay up to { $percent } % of the goods: at most { $n ->
    [one] { $n } point
   *[other] { $n } points
} here.
loyalty-cap-balance = You can spend all your points: { $n ->
    [one] { $n } point
   *[other] { $n } points
} — less than 25 % of the goods.
cobrand-lead = A partner bank's credit card: with it your status is { $tier } at once — { $percent } % back in points on every order.
cobrand-done = Your application is sent. The bank will review it and text you the decision.
cobrand-status-submitted = Your application of { $date } is being reviewed. The decision will come by text to { $phone }.
cobrand-status-approved = Your card is approved! Your status is { $tier }. The bank will contact you to arrange delivery.
cobrand-status-rejected = We are sorry: the bank could not approve the card on your application of { $date }. Your status and points stay as they are. If something has changed, you may apply again.
cobrand-see-points = See your status and points
cobrand-city-question = In which city will you receive the card?
cobrand-check = Check
cobrand-city-served = We deliver the card to { $city }. Fill in the application — it takes a minute.
cobrand-city-not-served = We do not deliver the card to «{ $city }» yet, so it cannot be issued there.
cobrand-cities = The card is delivered to:
cobrand-full-name = Full name
cobrand-full-name-hint = As in your passport: surname, name, patronymic.
cobrand-birth-date = Date of birth
cobrand-apply = Send the application
sms-cobrand-approved = Your Kabinet card is approved: your status is Platinum. The bank will call to arrange delivery.
sms-cobrand-rejected = We are sorry: the bank could not approve the Kabinet card. Your status and points stay as they are.
error-invalid-full-name = Enter your surname, name and patronymic in letters, as in your passport.
error-invalid-birth-date = Enter your date of birth, e.g. 25.11.1990.
error-applicant-under-18 = The card is issued from the age of 18.
error-city-required = Enter the city where you will receive the card.
error-card-not-available-in-region = We do not deliver the card to this city yet.
error-cobrand-application-exists = An application for the card is already sent.
error-cobrand-application-not-found = There is no such application.
error-cobrand-application-decided = This application is already decided.
# checkout: status points
error-points-over-limit = Points can pay at most { $max } here: 25 % of the goods, and no more than you have.
error-points-not-enough = Fewer points than needed: { $available } available.
error-invalid-points = Points: a whole number, not below zero.
order-paid-points = Points
checkout-points = Spend points

# Account balance (issue 11)
error-balance-not-enough = The balance is short of that: { $available } available.
order-paid-balance = From the account balance
order-paid-balance-only = Account balance
order-refund-wallet = points, bonuses and balance money went back where they came from
checkout-use-balance = Pay from the account balance
checkout-balance-available = On the balance
checkout-balance-rest = What it does not cover, the card or wallet pays.
balance-title = Account balance
account-wallet = Points and money
account-wallet-tier = Status

# Balance pages and gift certificates (issue 11)
nav-balance = Account balance
nav-certificates = Gift certificates and promo codes
docs-tag-balance = Balance and gift certificates
balance-rules = Money from gift certificates and refunds. It pays for orders in full or in part; it cannot be withdrawn.
balance-activate-link = Activate a certificate
balance-history = History
balance-history-empty = Certificates, refunds and orders paid from the balance will show here.
balance-kind-certificate = Gift certificate
balance-kind-refund = Refund to the balance
balance-kind-order = Order payment
balance-kind-order-cancelled = Cancelled order paid back
certificate-lead = The certificate's face value goes onto your account balance, to pay for orders. A certificate is valid for 3 years and is activated once.
certificate-code = Certificate number or code word
certificate-code-hint = The number has 16 characters like XXXX-XXXX-XXXX-XXXX; spaces and case do not matter. The code word is four Russian words joined by hyphens or spaces, e.g. «море-ракета-кедр-пряник».
certificate-activate = Activate
certificate-activated = Certificate { $number } activated: { $amount } added to your balance.
certificate-balance-now = On the balance:
certificate-mine = Activated certificates
certificate-activated-on = activated
error-invalid-certificate = The certificate was not found, has been activated already or has expired.
error-certificate-typo = The number seems to have a typo: check each character (there are no letters O and I, no digits 0 and 1) or enter the code word.
error-certificate-code-required = Enter the certificate number or code word.
error-too-many-certificate-attempts = Too many failed attempts to activate a certificate. Try again in { $wait }.
error-invalid-certificate-value = A certificate's face value is from 1 ₽ to 1,000,000 ₽.
error-invalid-certificate-count = One issue makes from 1 to 10,000 certificates.

# Issue 11: SBP and 54-FZ receipts
pay-sbp = SBP (Faster Payments System)
checkout-sbp = Faster Payments System
checkout-sbp-hint = — a QR code or a link into your bank's app
sbp-pay-title = Pay with SBP
sbp-pay-lead = Scan the QR code with your phone's camera or open your bank's app and confirm the payment of
sbp-scan = SBP QR code: point your phone's camera at it
sbp-pay-in-app = Pay in the bank's app
error-sbp-takes-no-details = SBP needs no card or wallet.
receipts-title = Receipts
receipt-kind-payment = Payment receipt
receipt-kind-refund = Refund receipt
receipt-pending = being registered
receipt-title = Cash receipt
receipt-sign-payment = Payment
receipt-sign-refund = Payment refund
receipt-seller = Kabinet Market LLC
receipt-seller-address = 12 Presnenskaya emb., Moscow 123112
receipt-seller-inn = INN 7700000000
receipt-at = Date and time
receipt-order = Order
receipt-taxation = Tax system
receipt-taxation-osn = General
receipt-vat = VAT
receipt-vat-total = VAT total
receipt-supplier = Supplier
receipt-full-payment = Full payment · goods
receipt-total = TOTAL
receipt-tender-card = bank card
receipt-tender-sbp = SBP
receipt-tender-wallet = e-wallet
receipt-tender-spasibo = «Spasibo» bonuses
receipt-tender-points = points
receipt-tender-balance = account balance
receipt-form-cashless = Cashless
receipt-form-prepaid = Prepayment offset
receipt-form-consideration = Consideration
receipt-ofd = Registered with the fiscal data operator (sandbox). Check it by FN, FD and FP.
email-order-paid-subject = Order No. { $number } is paid
email-order-paid-body =
    Order No. { $number } is paid: { $total }.
    Receipt: { $link }
sms-order-paid = Order { $number } is paid: { $total }. Receipt: { $link }

## Staff console (issue 12)
staff-console = Staff
staff-footer = The shop's staff console. Every action is recorded in the audit trail.
staff-login-title = Staff sign-in
staff-login-lead = Email, password and a code from your authenticator app.
staff-totp = Authenticator code
staff-enrol-title = Console access
staff-enrol-lead = Choose a password. Then connect an authenticator app: signing in needs a code from it.
staff-enrol-password = Password
staff-enrol-next = Next
staff-enrol-scan = Scan the QR code with an authenticator app (Google Authenticator, Yandex Key and the like) and enter the code it shows.
staff-enrol-by-hand = Or type the key by hand:
staff-enrol-open-app = Open in an app on this device
staff-enrol-confirm = Confirm
staff-enrolled = Access is set up. Sign in with your password and an authenticator code.
staff-home-title = Staff console
staff-home-cases = Access recovery cases: checked and decided by two people.
staff-home-customers = Find customers; contacts open with a stated reason.
staff-home-orders = Orders: find them and move them along delivery, cancel before shipping.
staff-home-cards = Kabinet card applications.
staff-home-certificates = Issue gift certificates in batches (CSV).
staff-home-imports = Upload the catalogue and pickup points.
staff-home-members = Staff members, roles, disabling.
staff-home-audit = The staff audit trail.
staff-home-reviews-soon = Review moderation will appear here.
staff-nav-cases = Access recovery
staff-nav-customers = Customers
staff-nav-orders = Orders
staff-nav-cards = Card applications
staff-nav-certificates = Certificates
staff-nav-imports = Data upload
staff-nav-members = Staff
staff-nav-audit = Audit trail
staff-role = Role
staff-role-support = Support
staff-role-moderator = Moderator
staff-role-admin = Admin
staff-status = Status
staff-status-invited = Invited
staff-status-active = Active
staff-status-disabled = Disabled
staff-save = Save
staff-disable = Disable
staff-disable-yes = Yes, disable and end their sessions
staff-invite = Invite a member
staff-invite-hint = A sign-up link (valid 24 hours) goes to this email.
staff-invite-send = Send the invitation
staff-members-invited = Invitation sent.
staff-members-role-changed = Role changed.
staff-members-disabled = Member disabled, their sessions ended.
staff-audit-lead = Every staff action: who, what, on what, when and from where. Rows are never changed or deleted.
staff-audit-when = When
staff-audit-who = Who
staff-audit-what = Action
staff-audit-target = On what
staff-more = More
actor-staff = Customer support
email-staff-enrol-subject = Access to the Kabinet staff console
email-staff-enrol-body =
    Hello!

    You have been added to the shop's staff console. To choose a password and connect an authenticator app, open the link (valid for 24 hours, once):
    { $link }
sms-staff-enrol = Staff console access: { $link }
error-staff-sign-in-failed = Wrong email, password or authenticator code.
error-staff-exists = A member with this email exists already.
error-enrolment-link-invalid = The link is no longer valid: used or expired. Ask an admin for a new one.
error-enrolment-password-first = Choose a password first.
error-invalid-totp = The code does not match. Enter the code the app shows now.
error-forbidden-role = Your role cannot do this.
error-staff-not-found = Staff member not found.
error-staff-self = Another admin changes your own role and access.
error-staff-disabled = The member is disabled already.
error-invalid-role = The role is support, moderator or admin.
staff-approve = Approve
staff-reject = Reject
staff-certificates-lead = Certificates are valid for 3 years. Kabinet keeps only fingerprints of the numbers: the downloaded file is the only copy of the numbers and code words.
staff-certificates-value = Face value, ₽
staff-certificates-count = How many (up to 10,000)
staff-certificates-hint = The browser then downloads a CSV: number;code word;value;valid until.
staff-certificates-issue = Issue and download the CSV
staff-cards-lead = Kabinet card applications, oldest first. An approval makes the customer platinum at once; the customer learns the decision by SMS.
staff-cards-none = No new applications.
staff-cards-applicant = Applicant
staff-cards-city = City
staff-cards-submitted = Submitted
staff-cards-approved = Application approved.
staff-cards-rejected = Application rejected.
staff-imports-lead = The same checks as kabinet catalog import and kabinet pickup-points import: if any row is wrong, nothing is imported.
staff-import-what = What to upload
staff-import-kind-catalog = Product catalogue
staff-import-kind-pickup_points = Pickup points and parcel lockers
staff-import-file = CSV or JSON file
staff-import-hint = CSV with a header row (comma or semicolon) or a JSON array, UTF-8; up to 32 MB.
staff-import-submit = Upload
staff-import-row = Row
staff-import-problem = Problem
staff-import-rows = { $n ->
    [one] { $n } row imported
   *[other] { $n } rows imported
}
staff-import-refused = { $n ->
    [one] Nothing imported: { $n } row has an error.
   *[other] Nothing imported: { $n } rows have errors.
}
staff-import-no-file = Choose a file.
staff-import-not-utf8 = The file is not UTF-8. Save it as "CSV UTF-8".
error-import-refused = Nothing imported: some rows have errors.
staff-action-sign_in = Signed in to the console
staff-action-sign_out = Signed out of the console
staff-action-staff_added = Member invited
staff-action-staff_role_changed = Role changed
staff-action-staff_disabled = Member disabled
staff-action-certificates_issued = Certificates issued
staff-action-card_application_approved = Card application approved
staff-action-card_application_rejected = Card application rejected
staff-action-catalog_imported = Catalogue upload
staff-action-pickup_points_imported = Pickup points upload
staff-action-recovery_case_viewed = Recovery case viewed
staff-action-recovery_case_approved = Recovery case approved
staff-action-recovery_case_rejected = Recovery case rejected
staff-action-customer_viewed = Customer viewed
staff-action-customer_contacts_opened = Customer contacts opened
staff-action-order_status_changed = Order status changed
staff-action-order_cancelled = Order cancelled
staff-resend = New sign-up link
staff-members-resent = A new link went to the member's email. Their old password and app work until they confirm new ones.
staff-action-staff_enrolment_sent = New sign-up link sent

## Staff: orders and customers
staff-find = Find
staff-nothing-found = Nothing found.
staff-orders-q = Order number, or the customer's phone or email
staff-orders-q-hint = 1024, +7 916 123-45-67, ivan@mail.ru
staff-orders-any-status = Any status
staff-order-number = Number
staff-order-customer = Customer
staff-order-moved = Order status changed: { $status }. The customer has been notified.
staff-order-move-to = Move to “{ $status }”
staff-order-cancel = Cancel the order
staff-order-cancel-hint = The goods go back to stock; bonuses, points and balance go back to the customer; card or SBP payments are refunded the same way. The customer is notified.
staff-order-cancel-yes = Yes, cancel the order and refund it
staff-delivery-courier = Courier
staff-delivery-pickup_point = Pickup point
staff-delivery-parcel_locker = Parcel locker
staff-customers-q = Name, phone or email
staff-customers-q-hint = Ivanov, +7 916 123-45-67, ivan@mail.ru
staff-customers-masked = Contacts are hidden. To see them in full, open the customer and give a reason: it goes to the audit trail, and the customer sees it under “Security”.
staff-customer-name = Name
staff-customer-phone = Phone
staff-customer-since = Customer since
staff-customer-no-name = No name
staff-customer-reason = Reason
staff-customer-reason-hint = For example, the ticket number. 3 to 500 characters; kept in the audit trail.
staff-customer-reveal = Show contacts
staff-customer-opened = Contacts opened. This is recorded in the audit trail and in the customer's security log.
order-news-assembling = is being assembled
order-news-shipped = has been handed over for delivery
order-news-ready_for_pickup = is waiting for you at the pickup point
order-news-received = has been received. Thank you for your purchase!
order-news-cancelled = has been cancelled
order-news-cancelled-refund = has been cancelled; the money goes back the way you paid, usually within a few days
sms-order-status = Kabinet: order No. { $number } { $news }.
email-order-status-subject = Order No. { $number } { $news }
email-order-status-body =
    { $greeting }

    Order No. { $number } { $news }.

    Order details: { $link }
event-support_contacts_opened = Customer support opened your contact details
error-reason-required = Give a reason (for the audit trail).
error-customer-not-found = Customer not found.
error-query-too-long = The query is too long.


## Staff: recovery cases
staff-cases-lead = Requests from people who lost access to their email too. Check the details; the link to the new contact goes out once two different members approve.
staff-cases-filter = Show cases
staff-cases-filter-open = Open
staff-cases-filter-approved = Approved
staff-cases-filter-rejected = Rejected
staff-cases-filter-all = All
staff-cases-none = No cases.
staff-case-title = Access recovery case
staff-case-created = Filed
staff-case-full-name = Full name
staff-case-old-email = Former email
staff-case-new-contact = New contact
staff-case-comment = Comment
staff-case-approvals = Approvals
staff-case-account-found = account found
staff-case-no-account = no account has this email
staff-case-status-new = New
staff-case-status-awaiting_second = Awaiting a second approval
staff-case-status-approved = Approved
staff-case-status-rejected = Rejected
staff-case-evidence = Evidence check
staff-case-evidence-lead = Checked against the account automatically; the stored details are not shown.
staff-case-order-number = Order number
staff-case-delivery-address = Delivery address
staff-case-card-last4 = Card's last 4 digits
staff-case-check-yes = matches
staff-case-check-no = does not match
staff-case-check-none = not given
staff-case-first-approver = First approved by { $who }
staff-case-second-approver = Second approved by { $who }
staff-case-rejected-by = Rejected by { $who }
staff-case-needs-second = You have approved this case. A second member's approval is needed.
staff-case-approve-hint = The link to the new contact goes out with a second member's approval. Staff never set a password.
staff-case-approve = Approve
staff-case-cannot-approve = Cannot be approved: no account has this email. Reject it with an explanation.
staff-case-reject-reason = Reason for rejecting
staff-case-reject-hint = Up to 500 characters; the person receives it at the new contact.
staff-case-reject = Reject
staff-case-done-first = Approved. A second member's approval is needed.
staff-case-done-approved = Approved: a one-time link was sent to the new contact.
staff-case-done-rejected = Rejected; the person was told the reason.
reset-support-contact = Once you save the password, { $contact } becomes your account's contact; sign in with it.
email-support-case-approved-subject = Access recovery: your link
email-support-case-approved-body =
    Hello!

    Request { $case } is approved. To set a new password, open the link (valid for 1 hour, once):
    { $link }

    This email then becomes your account's email. If you did not file the request, just ignore the link.
sms-support-case-approved = Kabinet: request { $case } approved. Set a password here (1 hour, once): { $link }
email-support-case-rejected-subject = Your access recovery request was rejected
email-support-case-rejected-body =
    Hello!

    Request { $case } was rejected. Reason: { $reason }

    You can file a new request with other details.
sms-support-case-rejected = Kabinet: request { $case } was rejected. Reason: { $reason }
email-support-recovery-completed-subject = Support restored access to your account
email-support-recovery-completed-body =
    Hello!

    Following a request to support, access to your Kabinet account was restored: a new password and a new contact were set, and all sessions ended. Contacts cannot be changed for the next 72 hours.

    If this was not you, contact support at once.
sms-support-recovery-completed = Kabinet: support restored access to your account; all sessions ended. If this was not you, contact support.
event-support_case_approved = Support approved a recovery request
event-support_case_rejected = Support rejected a recovery request
event-support_recovery_completed = Access restored through support
error-four-eyes-required = You have approved this case already. Another member gives the second approval.
error-case-decided = The case is decided already.
error-case-no-account = No account has the given email: the case cannot be approved.
error-case-not-found = Case not found.
error-reason-too-long = The reason is at most 500 characters.
error-contact-fixed = This link sets a new contact already: it cannot be changed here.
staff-case-full-name-match = Full name as on the account
error-evidence-not-matched = Cannot approve: fewer than two pieces of evidence (order number, delivery address, card's last 4 digits) match the account. Reject the case with an explanation.
staff-action-staff_enrolled = Access set up (password and app)
staff-action-customers_searched = Customer search
staff-action-orders_searched = Search of a customer's orders
staff-action-order_viewed = Order viewed

## Issue 13: account care (navigation)
nav-returns = Returns
nav-reviews = My reviews
nav-support = Support requests
nav-notifications = Notifications
nav-my-data = My data
staff-nav-returns = Returns
staff-nav-reviews = Reviews
staff-nav-tickets = Support requests

## Issue 13: notification settings
notice-greeting = Hello, { $name }!
notice-greeting-anon = Hello!
notifications-intro = Choose how we tell you about orders and support answers. Sign-ins and contact changes are always announced.
notifications-orders = Orders and returns
notifications-orders-hint = An order's status changed, a return was decided.
notifications-support = Support answers
notifications-promotions = Offers and sales
notifications-promotions-hint = Only with your consent; you can withdraw it at any time.
notifications-security = Security
notifications-security-hint = Sign-ins, password, email and phone changes. These cannot be switched off.
notifications-by-sms = By SMS
notifications-by-email = By email
notifications-no-phone = No phone on the account: there is nowhere to send SMS. Add one in «Personal data».
notifications-no-email = No confirmed email: there is nowhere to send letters.
notifications-save = Save
notifications-saved = Notification settings saved.
event-promotions_consent_given = Consent to promotional messages given
event-promotions_consent_withdrawn = Consent to promotional messages withdrawn
error-security-notices-required = Security notices cannot be switched off.

## Issue 13: my data
mydata-export-title = Download my data
mydata-export-text = Everything the shop stores about you: profile, contacts, addresses, devices and sign-in history, orders, points and balance, reviews, requests and consents — in one JSON file.
mydata-export-button = Download the file
mydata-delete-title = Delete the account
mydata-delete-text = Deletion cannot be undone. Every device is signed out at once.
mydata-delete-erased = Your name, phone, email, addresses, cards, reviews and requests are erased; the phone and email can be used again.
mydata-delete-kept = Orders stay in the shop's books without your personal data, as the law requires.
mydata-delete-wallet = Points and money on the balance are lost: spend them before deleting.
mydata-delete-underway = The account cannot be deleted now: an order is on its way or a return is not yet refunded.
mydata-delete-confirm = I understand that the account and my data will be deleted for good
mydata-delete-fresh = Deleting needs a sign-in at most 15 minutes old: otherwise we will ask you to sign in again.
mydata-delete-button = Delete the account
mydata-confirm-needed = Tick the box to confirm you understand what deletion means.
mydata-deleted-title = Account deleted
mydata-deleted-text = Your personal data is erased and every session has ended. We sent you a letter about it.
mydata-deleted-home = Home
error-orders-in-progress = An order is on its way or a return is not yet refunded: wait for them, then delete the account.
email-account-deleted-subject = Account deleted
email-account-deleted-body = Your account at the shop has been deleted and your personal data erased. Orders stay in the shop's books without your data. If this was not you, reply to this letter.
sms-account-deleted = Your account has been deleted and your personal data erased.

## Issue 13: returns
order-return-goods = Return goods
return-lead = Requests to return goods of received orders: status, amount and where the money goes.
return-none = No return requests yet. Goods are returned from the page of a received order.
return-how = Goods may be returned within { $n } days of receiving the order: open it in «My orders» and press «Return goods». Delivery is not refunded.
return-done-requested = The return request is sent. We will tell you the decision.
return-done-refunded = The return is done, the money is back.
return-status-requested = Under review
return-status-approved = Approved, money on its way
return-status-refunded = Money returned
return-status-rejected = Rejected
return-amount = Amount
return-to = Where the money goes
return-to-card = To the card
return-to-balance = To the balance
return-money-back = Returned as money
return-points-back = Points returned
return-points-taken = Earned points taken back
return-reason = Reason
return-reject-reason = Why it was rejected
return-reason-defect = Defective or damaged
return-reason-wrong-item = Wrong item delivered
return-reason-not-as-described = Not as described
return-reason-changed-mind = Changed my mind
return-reason-other = Other
return-new-title = Return goods of order
return-until = Goods may be returned until { $date }.
return-choose-lines = What to return: enter the quantity
return-quantity = Quantity
return-left = { $n } more may be returned
return-line-done = Already being returned
return-comment = Comment (optional)
return-money-rules = The part paid with points comes back as points; points earned by the returned goods are taken back. «Спасибо» bonuses come back as money.
return-submit = Send the request
return-back = Back to the order
error-order-not-received = Only goods of a received order can be returned.
error-return-window-closed = The return period is over: goods may be returned only for a set time after the order is received.
error-return-quantity-exceeded = That many cannot be returned: it is more than was bought, counting returns already requested.
error-product-not-in-order = This product is not in the order.
error-card-refund-unavailable = The order was not paid by card: the money can only go to the balance.
error-card-refund-exceeded = Almost all the card paid has been refunded already: choose the balance.
error-invalid-return-quantity = Enter a quantity: a whole number from 1.
error-invalid-refund-to = Choose where the money goes: the card or the balance.
error-return-reason-required = Give the reason for the return.
error-text-has-html = The text may not contain HTML tags.
error-return-not-found = Return request not found.
error-return-decided = This return request has been decided already.
error-return-nothing-chosen = Enter a quantity for at least one item.
email-return-requested-subject = Return request for order No. { $number }
email-return-requested-body =
    { $greeting }

    We have your return request: «{ $title }», { $quantity } pcs., worth { $amount } (order No. { $number }). The money goes { $to }. We will tell you the decision.

    Your returns: { $link }
sms-return-requested = Kabinet: return request for order No. { $number } received, we will tell you the decision.
email-return-approved-subject = Return for order No. { $number } approved
email-return-approved-body =
    { $greeting }

    The return of «{ $title }» ({ $quantity } pcs., { $amount }, order No. { $number }) is approved. The money goes { $to } shortly.

    Your returns: { $link }
sms-return-approved = Kabinet: return for order No. { $number } approved, the money goes { $to }.
email-return-refunded-subject = Money for the return of order No. { $number } is back
email-return-refunded-body =
    { $greeting }

    The return of «{ $title }» ({ $quantity } pcs., { $amount }, order No. { $number }) is done: the money went { $to }.

    Your returns: { $link }
sms-return-refunded = Kabinet: return for order No. { $number } done, { $amount } went { $to }.
email-return-rejected-subject = Return for order No. { $number } rejected
email-return-rejected-body =
    { $greeting }

    Unfortunately the return of «{ $title }» ({ $quantity } pcs., order No. { $number }) is rejected.
    Reason: { $reason }

    If you disagree, write to support. Your returns: { $link }
sms-return-rejected = Kabinet: return for order No. { $number } rejected. Reason: { $reason }
return-to-card-words = to the card
return-to-balance-words = to the balance
staff-returns-lead = Customers' return requests. Approving refunds at once: to the card (through the bank) or the balance, and the points.
staff-returns-filter = Request status
staff-returns-filter-requested = New
staff-returns-filter-approved = Waiting for the bank
staff-returns-filter-refunded = Refunded
staff-returns-filter-rejected = Rejected
staff-returns-filter-all = All
staff-returns-none = No requests.
staff-return-created = Created
staff-return-order = Order
staff-return-goods = Goods
staff-return-title = Return request
staff-return-order-paid = Order paid
staff-return-card-part = by card
staff-return-customer = Customer
staff-return-decided-by = Decided by
staff-return-auto = Automatically (a small amount)
staff-return-approve = Approve and refund
staff-return-approve-hint = The money goes back at once: to the card through the bank, to the balance instantly; points come back and are taken back by the rules.
staff-return-reject-reason = Reason for rejection
staff-return-reject-hint = The customer sees the reason in «Returns» and in the notice.
staff-return-reject = Reject
staff-return-done-refunded = Return approved, money refunded.
staff-return-done-approved = Return approved; the bank has not confirmed the card refund yet.
staff-return-done-rejected = Return rejected, the customer is told.
staff-action-return_approved = Return approved
staff-action-return_rejected = Return rejected

## Issue 13: reviews and support requests
reviews-title = Reviews
reviews-count = { $n } { $n ->
    [one] review
   *[other] reviews
}
reviews-none = No reviews yet. You can review a product on the page of an order you received.
reviews-pending = Under moderation
reviews-published = Published
reviews-rejected = Rejected
reviews-none-here = Nothing here yet.
reviews-empty = You have not written any reviews yet. You can review a product you received: open the order or
reviews-done-created = Thank you! Your review is under moderation and will appear on the product page once checked.
reviews-done-edited = Review saved and sent to moderation again.
review-status-pending = Under moderation
review-status-published = Published
review-status-rejected = Rejected
review-reject-reason = Reason for rejection
review-edit = Edit
review-edit-again = Correct and send again
review-leave = Write a review
review-form-title = Write a review
review-form-edit-title = Edit the review
review-rating = Rating
review-stars-label = { $n ->
    [one] { $n } star of 5
   *[other] { $n } stars of 5
}
review-text = Review
review-text-hint = 10 to 4000 characters, no HTML markup.
review-pros = Pros
review-cons = Cons
review-send = Send to moderation
review-save = Save
review-author-anonymous = Customer
staff-home-reviews = Customers' reviews: publish, or reject with a reason
staff-reviews-pending = Under moderation
staff-reviews-published = Published
staff-reviews-rejected = Rejected
staff-review-publish = Publish
staff-review-reject = Reject
staff-review-reason = Reason
staff-review-published = The review is published.
staff-review-rejected = The review is rejected; the author will see the reason.
staff-action-review_published = Review published
staff-action-review_rejected = Review rejected
error-not-purchased = You can only review a product you bought and received.
error-review-exists = You have already reviewed this product: you can edit the review in «My reviews».
error-review-published = A published review cannot be edited.
error-review-not-found = Review not found.
error-review-decided = This review has already been decided.
error-invalid-rating = Give a rating from 1 to 5.
error-review-text-too-short = The review is too short: at least { $min } characters.
error-review-text-too-long = The review is too long: at most { $max } characters.
error-review-part-too-long = Pros and cons: at most { $max } characters each.
error-markup-not-allowed = Remove the HTML markup (tags in angle brackets): the text is published as it is.
error-reject-reason-required = Write a reason: the author will see it.
email-review-rejected-subject = Your review did not pass moderation
email-review-rejected-body =
    { $greeting }

    Your review of «{ $title }» did not pass moderation. You will find the reason and a form to correct the review in «My reviews»: { $link }
sms-review-rejected = Kabinet: your review of «{ $title }» did not pass moderation. The reason is in «My reviews»: { $link }
ticket-status-open = Open
ticket-status-answered = Answered
ticket-status-closed = Closed
ticket-done-created = Your request is sent. The answer will appear here; we will tell you by SMS or email.
ticket-done-sent = Message sent.
ticket-done-closed = The request is closed.
tickets-lead = Write to us — we answer here and let you know. Support phone and email:
tickets-none = No requests yet.
tickets-new = New request
tickets-subject = Subject
tickets-order = Order
tickets-order-none = No order
tickets-text = Message
tickets-send = Send
tickets-reply = Reply
tickets-close = Close the request
tickets-closed-hint = The request is closed. If you still have a question, open a new one.
tickets-from-shop = Kabinet support
tickets-from-me = You
tickets-contacts-title = Contact the shop
tickets-contacts-lead = Support answers by phone, email and messengers. Sign in to write a request and see the answers in your account.
tickets-phone = Phone
tickets-hours = Hours
tickets-email = Email
tickets-no-access = Cannot sign in?
tickets-login-hint = — requests and answers are kept in your account
tickets-recovery = Forgot the password or changed the phone number
tickets-recovery-support = No access to the email or the phone: a recovery request through support
staff-home-tickets = Customers' requests: answer and close
staff-tickets-open = Open
staff-tickets-answered = Answered
staff-tickets-closed = Closed
staff-tickets-any = All
staff-ticket-updated = Updated
staff-ticket-answer = Answer to the customer
staff-ticket-answered = Answer sent; the customer will be notified.
staff-ticket-from-customer = Customer
staff-action-ticket_viewed = Request viewed
staff-action-ticket_answered = Request answered
staff-action-ticket_closed = Request closed
error-subject-required = Write a subject.
error-subject-too-long = The subject must be at most { $max } characters.
error-message-required = Write a message.
error-message-too-long = The message must be at most { $max } characters.
error-ticket-not-found = Request not found.
error-ticket-closed = The request is closed: open a new one.
error-too-many-tickets = You have opened many requests today. You can open a new one { $wait } — or write in an open one.
email-support-answered-subject = Answer to your request «{ $subject }»
email-support-answered-body =
    { $greeting }

    Support answered your request «{ $subject }». Read the answer: { $link }
sms-support-answered = Kabinet: support answered your request «{ $subject }». Answer: { $link }
error-invalid-review-status = A review's status is pending, published or rejected.
error-invalid-ticket-status = A request's status is open, answered, closed or any.
reviews-more = Show more reviews
error-too-many-messages = Too many messages today. Try again tomorrow or call us.
error-review-changed = The author edited the review while you were reading it: read the new version.
returns-partly-filed = The request for the other items is filed ({ $n }), see «Returns». The rest could not be:
