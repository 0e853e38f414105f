"""Stripe for one section: its own client and keys, one-off gifts (PaymentIntents), monthly ones (Subscriptions).

Card details never reach this server: the page's Stripe.js turns the Card
Element into a PaymentMethod (`createPaymentMethod`), this module attaches it
to a new Customer as its default and confirms the payment with it; when the
bank asks for 3-D Secure the page finishes with `stripe.confirmCardPayment`. Nothing here changes a donation's status: only
webhooks do (webhooks.py).
"""

from dataclasses import dataclass

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sections.secrets import section_secret

from .models import DonationMethod

# Pinned so that Stripe's answers (and the webhook endpoints created with the
# same version) keep the shape this code reads: invoices still carry
# `payment_intent`, `subscription` and `charge`.
STRIPE_API_VERSION = "2024-09-30.acacia"
MONTHLY_PRODUCT_ID = "plaidoyer-monthly-donation"
HTTP_TIMEOUT_SECONDS = 20


class PaymentDeclined(Exception):
    """The card, account or TWINT payment was refused, or 3-D Secure failed: nothing was charged.

    `field` is the form field the message belongs next to: the card, the IBAN or the way to pay.
    """

    status = 402  # Payment Required

    def __init__(self, message, field="payment_method"):
        super().__init__(str(message))
        self.message = message
        self.field = field


class CardDetailsRefused(PaymentDeclined):
    """Stripe refused the PaymentMethod the page sent (invalid, unknown, already used): the visitor enters it again."""

    status = 400


class AccountRefused(PaymentDeclined):
    """Stripe refused the IBAN or the SEPA mandate: the visitor checks the IBAN or pays another way."""

    status = 400

    def __init__(self, message=None):
        super().__init__(message or ACCOUNT_REFUSED, field="iban")


CARD_DECLINED = _("Your card was declined. Nothing was charged; please try another card.")
ACCOUNT_REFUSED = _(
    "This bank account cannot be debited. Nothing was charged; please check the IBAN or choose another way to pay."
)
ACCOUNT_NOT_REPLACED = _(
    "This bank account cannot be debited. Nothing was changed; please check the IBAN or keep your current account."
)
TWINT_REFUSED = _(
    "TWINT refused the payment. Nothing was charged; please try again or choose another way to pay."
)


def declined(method):
    """The refusal of a payment by `method`, next to the field the visitor can mend."""
    if method == DonationMethod.SEPA_DEBIT:
        return AccountRefused()
    if method == DonationMethod.TWINT:
        return PaymentDeclined(TWINT_REFUSED, field="method")
    return PaymentDeclined(CARD_DECLINED)


def stripe_missing(section):
    """What the section lacks to take payments through Stripe (for editors), or [] when it has it all."""
    reasons = []
    if not section.stripe_publishable_key:
        reasons.append(_("The section settings have no Stripe publishable key."))
    code = (section.code or "").upper()
    if not section_secret("STRIPE_SECRET_KEY", section.code or ""):
        reasons.append(
            _("The server has no Stripe secret key: set the environment variable STRIPE_SECRET_KEY_%(code)s.")
            % {"code": code}
        )
    if not section_secret("STRIPE_WEBHOOK_SECRET", section.code or ""):
        reasons.append(
            _(
                "The server has no Stripe webhook signing secret: set the environment variable "
                "STRIPE_WEBHOOK_SECRET_%(code)s."
            )
            % {"code": code}
        )
    return reasons


def client_for(section):
    """The section's own StripeClient: its secret key, the pinned API version, the local fake when configured."""
    secret_key = section_secret("STRIPE_SECRET_KEY", section.code)
    if not secret_key:
        raise stripe.AuthenticationError(f"No Stripe secret key for section {section.code}")
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        secret_key,
        stripe_version=STRIPE_API_VERSION,
        base_addresses=base_addresses,
        max_network_retries=2,
        # The donation's transaction waits for Stripe: do not let it wait for long.
        http_client=stripe.RequestsClient(timeout=HTTP_TIMEOUT_SECONDS),
    )


def idempotency_key(donation, call):
    """The key of one create call for a donation: a retried request replays Stripe's first answer."""
    return f"{donation.idempotency_key}:{call}"


@dataclass
class Payer:
    """What the visitor gave to pay with, by method; nothing of it is stored."""

    payment_method: str = ""  # card: the PaymentMethod Stripe.js made (pm_…)
    iban: str = ""  # SEPA Direct Debit
    # SEPA Direct Debit: Stripe records the mandate's online acceptance with these (SEPA rules require them).
    ip_address: str = ""
    user_agent: str = ""
    return_url: str = ""  # TWINT: where the TWINT app sends the donor back


@dataclass
class Started:
    """Where a payment stands right after the create calls."""

    status: str  # succeeded (or processing), requires_action (3-D Secure), redirect (TWINT)
    client_secret: str = ""
    redirect_url: str = ""

    @property
    def needs_action(self):
        return self.status == "requires_action"


def start(section, donation, payer):
    """Create the Stripe objects for a new donation and confirm its first payment, by the donation's method.

    Fills the donation's Stripe ids (the caller saves them). Raises
    PaymentDeclined (or its CardDetailsRefused, AccountRefused) when Stripe
    refuses the card, the account or the payment, stripe.StripeError when
    Stripe cannot be reached or fails.
    """
    client = client_for(section)
    metadata = {
        "plaidoyer_donation": donation.idempotency_key,
        "section": section.code,
        "frequency": donation.frequency,
        "method": donation.method,
    }
    if donation.method == DonationMethod.TWINT:
        return _start_twint(client, donation, payer, metadata)
    sepa = donation.method == DonationMethod.SEPA_DEBIT
    try:
        payment_method = _sepa_payment_method(client, donation, payer) if sepa else payer.payment_method
        try:
            customer = client.v1.customers.create(
                params={
                    "email": donation.email,
                    "name": donation.full_name,
                    "payment_method": payment_method,
                    # Monthly invoices charge the customer's default PaymentMethod.
                    "invoice_settings": {"default_payment_method": payment_method},
                    "preferred_locales": [donation.language],
                    "metadata": metadata,
                },
                options={"idempotency_key": idempotency_key(donation, "customer")},
            )
        except stripe.InvalidRequestError as error:
            # The PaymentMethod is the only thing of the visitor's in this call: Stripe answered, it refused it.
            if sepa:
                raise AccountRefused() from error
            raise CardDetailsRefused(
                _("Your card details could not be used. Nothing was charged; please enter them again.")
            ) from error
        donation.stripe_customer_id = customer.id
        if donation.frequency == "monthly":
            if sepa:
                _accept_mandate(client, donation, payment_method, payer, metadata)
            return _start_monthly(client, donation, metadata)
        params = {
            "amount": donation.amount,
            "currency": donation.currency.lower(),
            "customer": customer.id,
            "payment_method": payment_method,
            "payment_method_types": [donation.method],
            "confirm": True,
            "metadata": metadata,
        }
        if sepa:
            params["mandate_data"] = _mandate_data(payer)
        try:
            intent = client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key(donation, "payment_intent")}
            )
        except stripe.InvalidRequestError as error:
            if sepa:
                raise AccountRefused() from error
            raise
    except stripe.CardError as error:
        raise declined(donation.method) from error
    donation.stripe_payment_intent_id = intent.id
    return _started(intent, donation.method)


def _sepa_payment_method(client, donation, payer, call="payment_method"):
    """The donor's account as a sepa_debit PaymentMethod; Stripe wants the holder's name and email with it."""
    try:
        return client.v1.payment_methods.create(
            params={
                "type": "sepa_debit",
                "sepa_debit": {"iban": payer.iban},
                "billing_details": {"name": donation.full_name, "email": donation.email},
            },
            options={"idempotency_key": idempotency_key(donation, call)},
        ).id
    except stripe.InvalidRequestError as error:
        raise AccountRefused() from error


def _mandate_data(payer):
    return {
        "customer_acceptance": {
            "type": "online",
            "online": {"ip_address": payer.ip_address, "user_agent": payer.user_agent},
        }
    }


def _accept_mandate(client, donation, payment_method, payer, metadata, call="setup_intent"):
    """A monthly direct debit: the mandate for every month is set up (SetupIntent) before the subscription."""
    try:
        setup = client.v1.setup_intents.create(
            params={
                "customer": donation.stripe_customer_id,
                "payment_method": payment_method,
                "payment_method_types": ["sepa_debit"],
                "usage": "off_session",
                "confirm": True,
                "mandate_data": _mandate_data(payer),
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key(donation, call)},
        )
    except stripe.InvalidRequestError as error:
        raise AccountRefused() from error
    if setup.status not in ("succeeded", "processing"):
        raise AccountRefused()
    return setup


def _start_twint(client, donation, payer, metadata):
    """A TWINT payment: Stripe answers with the address of TWINT's page, which sends the donor back to us."""
    try:
        intent = client.v1.payment_intents.create(
            params={
                "amount": donation.amount,
                "currency": "chf",
                "payment_method_types": ["twint"],
                "payment_method_data": {"type": "twint"},
                "confirm": True,
                "return_url": payer.return_url,
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key(donation, "payment_intent")},
        )
    except stripe.InvalidRequestError as error:
        raise declined(DonationMethod.TWINT) from error
    donation.stripe_payment_intent_id = intent.id
    return _started(intent, DonationMethod.TWINT)


def _started(intent, method=DonationMethod.CARD):
    if intent.status in ("succeeded", "processing", "requires_capture"):
        return Started(status="succeeded")
    if intent.status == "requires_action":
        next_action = intent.next_action
        if next_action and next_action.type == "redirect_to_url":
            return Started(status="redirect", redirect_url=next_action.redirect_to_url.url)
        return Started(status="requires_action", client_secret=intent.client_secret)
    raise declined(method)


def _retrieve_or_create(service, object_id, params, key):
    """The object with this id, created once per Stripe account; a concurrent creation is retrieved."""
    try:
        return service.retrieve(object_id)
    except stripe.InvalidRequestError as error:
        if error.http_status != 404:
            raise
    try:
        return service.create(params={"id": object_id, **params}, options={"idempotency_key": key})
    except stripe.StripeError:
        # Another donation created it a moment ago (Stripe answers "already exists").
        return service.retrieve(object_id)


def monthly_price(client, donation, amount=None):
    """A subscription item's `price_data`: `amount` (the donation's, by default) in its currency, every month.

    The Price is made with the subscription (or its update), under that call's idempotency key; only the
    shared Product is created once per Stripe account.
    """
    _retrieve_or_create(
        client.v1.products,
        MONTHLY_PRODUCT_ID,
        {"name": "Monthly donation"},
        idempotency_key(donation, "product"),
    )
    return {
        "currency": donation.currency.lower(),
        "product": MONTHLY_PRODUCT_ID,
        "unit_amount": donation.amount if amount is None else amount,
        "recurring": {"interval": "month"},
    }


def _start_monthly(client, donation, metadata):
    subscription = client.v1.subscriptions.create(
        params={
            "customer": donation.stripe_customer_id,
            "items": [{"price_data": monthly_price(client, donation)}],
            "metadata": metadata,
            "expand": ["latest_invoice.payment_intent"],
        },
        options={"idempotency_key": idempotency_key(donation, "subscription")},
    )
    donation.stripe_subscription_id = subscription.id
    intent = subscription.latest_invoice.payment_intent
    if isinstance(intent, str):
        intent = client.v1.payment_intents.retrieve(intent)
    if intent.status == "requires_payment_method":
        # The first month was refused: end the pledge now rather than leave it incomplete.
        client.v1.subscriptions.cancel(subscription.id)
        raise declined(donation.method)
    return _started(intent, donation.method)


def resume(section, donation):
    """Where an existing donation's first payment stands (a repeated submission of the same form)."""
    client = client_for(section)
    if donation.stripe_payment_intent_id:
        return _started(
            client.v1.payment_intents.retrieve(donation.stripe_payment_intent_id), donation.method
        )
    subscription = client.v1.subscriptions.retrieve(
        donation.stripe_subscription_id, params={"expand": ["latest_invoice.payment_intent"]}
    )
    intent = subscription.latest_invoice.payment_intent
    if isinstance(intent, str):
        intent = client.v1.payment_intents.retrieve(intent)
    return _started(intent, donation.method)


# --- A monthly donor manages their gift (manage_views.py) ---------------------------------------


class SubscriptionEnded(Exception):
    """The subscription is cancelled at Stripe already: there is nothing left to change."""


def change_amount(section, donation, amount, attempt):
    """Move a monthly gift's subscription to a price of `amount` (minor units) from the next month on.

    `attempt` (the form's key) makes a repeated post replay Stripe's first answer. Stripe's default
    proration applies: localstripe refuses `proration_behavior`, so it is not sent (README).
    """
    client = client_for(section)
    subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
    if subscription.status in ("canceled", "incomplete_expired"):
        raise SubscriptionEnded(donation.stripe_subscription_id)
    item = subscription["items"]["data"][0]
    return client.v1.subscriptions.update(
        donation.stripe_subscription_id,
        params={"items": [{"id": item.id, "price_data": monthly_price(client, donation, amount)}]},
        options={"idempotency_key": idempotency_key(donation, f"change:{attempt}:{amount}")},
    )


def cancel(section, donation):
    """Cancel a monthly gift's subscription now; its donation is marked cancelled by the webhook."""
    client = client_for(section)
    try:
        return client.v1.subscriptions.cancel(donation.stripe_subscription_id)
    except stripe.InvalidRequestError as error:
        # Already cancelled (a second click, or cancelled at Stripe): the outcome the donor wanted.
        subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
        if subscription.status in ("canceled", "incomplete_expired"):
            raise SubscriptionEnded(donation.stripe_subscription_id) from error
        raise


# A SetupIntent made for a donor's new card says so, and for which gift and section.
CARD_SETUP_PURPOSE = "card_update"
CARD_NOT_SET_UP = _(
    "Your card could not be confirmed: it was declined or your bank's check did not succeed. "
    "Nothing was changed; please try again or use another card."
)
CARD_SETUP_UNKNOWN = _(
    "This card update is not valid any more. Nothing was changed; please enter your card again."
)


def start_card_setup(section, donation, attempt):
    """A SetupIntent for the donor's customer, for a card Stripe may charge later without them (off session).

    The page confirms it with Stripe.js (`confirmCardSetup`, which runs 3-D Secure when the bank asks for it);
    `use_card_setup` then makes its card the gift's. `attempt` (the page's key) makes a repeated call
    replay Stripe's first answer.
    """
    return client_for(section).v1.setup_intents.create(
        params={
            "customer": donation.stripe_customer_id,
            "usage": "off_session",
            "payment_method_types": ["card"],
            "metadata": {
                "plaidoyer_donation": donation.idempotency_key,
                "section": section.code,
                "purpose": CARD_SETUP_PURPOSE,
            },
        },
        options={"idempotency_key": idempotency_key(donation, f"card-setup:{attempt}")},
    )


def use_card_setup(section, donation, setup_intent_id):
    """Make the card of a succeeded SetupIntent, made by `start_card_setup` for this gift, the default of the
    donor's customer and of the gift's subscription.

    Raises CardDetailsRefused when the SetupIntent is not this gift's, PaymentDeclined when the bank did not
    accept the card; nothing is changed then.
    """
    client = client_for(section)
    try:
        intent = client.v1.setup_intents.retrieve(setup_intent_id)
    except stripe.InvalidRequestError as error:
        raise CardDetailsRefused(CARD_SETUP_UNKNOWN) from error
    metadata = intent.metadata.to_dict() if intent.metadata else {}
    if (
        intent.customer != donation.stripe_customer_id
        or metadata.get("plaidoyer_donation") != donation.idempotency_key
        or metadata.get("section") != section.code
        or metadata.get("purpose") != CARD_SETUP_PURPOSE
    ):
        raise CardDetailsRefused(CARD_SETUP_UNKNOWN)
    if intent.status != "succeeded" or intent.usage != "off_session" or not intent.payment_method:
        raise PaymentDeclined(CARD_NOT_SET_UP)
    subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
    if subscription.status in ("canceled", "incomplete_expired"):
        raise SubscriptionEnded(donation.stripe_subscription_id)
    card = client.v1.payment_methods.retrieve(intent.payment_method)
    if not card.customer:
        # Stripe attaches the card of a succeeded SetupIntent to its customer; localstripe does not.
        card = client.v1.payment_methods.attach(card.id, params={"customer": donation.stripe_customer_id})
    if card.customer != donation.stripe_customer_id:
        raise CardDetailsRefused(CARD_SETUP_UNKNOWN)
    client.v1.customers.update(
        donation.stripe_customer_id, params={"invoice_settings": {"default_payment_method": card.id}}
    )
    client.v1.subscriptions.update(
        donation.stripe_subscription_id, params={"default_payment_method": card.id}
    )
    return card


def replace_account(section, donation, payer, attempt):
    """A monthly direct debit moves to another account: its sepa_debit PaymentMethod, the mandate for it
    (a SetupIntent with `mandate_data`, as for a new monthly gift), then the default of the customer and of
    the subscription. `attempt` (the form's key) makes a repeated post replay Stripe's first answers.

    Raises AccountRefused when Stripe refuses the IBAN or the mandate; nothing is changed then.
    """
    client = client_for(section)
    subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
    if subscription.status in ("canceled", "incomplete_expired"):
        raise SubscriptionEnded(donation.stripe_subscription_id)
    metadata = {
        "plaidoyer_donation": donation.idempotency_key,
        "section": section.code,
        "purpose": "account_update",
    }
    try:
        account = _sepa_payment_method(client, donation, payer, f"account:{attempt}:payment_method")
        _accept_mandate(client, donation, account, payer, metadata, f"account:{attempt}:setup_intent")
    except AccountRefused as refused:
        raise AccountRefused(ACCOUNT_NOT_REPLACED) from refused
    client.v1.customers.update(
        donation.stripe_customer_id, params={"invoice_settings": {"default_payment_method": account}}
    )
    client.v1.subscriptions.update(
        donation.stripe_subscription_id, params={"default_payment_method": account}
    )
    return account


# --- The thank-you page's monthly offer (monthly_offer.py) --------------------------------------

# Payment methods a subscription may charge again each month without the donor.
REUSABLE_TYPES = {"card"}


def reusable_card(section, customer_id):
    """The id of the customer's default payment method when it is a card that can pay every month, else "".

    Stripe charges a subscription with the customer's `invoice_settings.default_payment_method`, else
    its `default_source`: the same order here, so this holds whether the card was attached as a token
    (a source) or as a PaymentMethod.
    """
    client = client_for(section)
    customer = client.v1.customers.retrieve(
        customer_id, params={"expand": ["default_source", "invoice_settings.default_payment_method"]}
    ).to_dict()
    if customer.get("deleted"):
        return ""
    method = (customer.get("invoice_settings") or {}).get("default_payment_method")
    if method:
        return method["id"] if method.get("type") in REUSABLE_TYPES else ""
    source = customer.get("default_source")
    if not source:
        return ""
    kind = source.get("type") if source.get("object") == "source" else source.get("object")
    return source["id"] if kind in REUSABLE_TYPES else ""


class NotReusable(PaymentDeclined):
    """The customer's payment method cannot be charged every month (not a card, or none left)."""

    status = 409


def start_monthly_on_customer(section, donation):
    """Subscribe the customer already on `donation` (a monthly gift made from a one-off one) to its
    monthly price, charged to the customer's default card; fills `stripe_subscription_id`.

    Raises NotReusable when that default is not a card, PaymentDeclined when the card is refused.
    """
    if not reusable_card(section, donation.stripe_customer_id):
        raise NotReusable(_("A monthly gift cannot be taken from this payment method. Nothing was charged."))
    metadata = {
        "plaidoyer_donation": donation.idempotency_key,
        "section": section.code,
        "frequency": donation.frequency,
    }
    started = _start_monthly(client_for(section), donation, metadata)
    if started.needs_action:
        # The bank wants the donor to confirm, which needs the donation form's script: nothing is kept.
        client_for(section).v1.subscriptions.cancel(donation.stripe_subscription_id)
        raise PaymentDeclined(
            _(
                "Your bank asks you to confirm a monthly gift: please set it up on the donation form. Nothing was charged."
            )
        )
    return started
