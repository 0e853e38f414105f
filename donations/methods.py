"""The ways to pay a section offers (each a section setting) and what each one allows."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sections.texts import section_texts

from . import mobile_money, payments
from .models import DonationMethod, Frequency

# Stripe takes TWINT payments up to CHF 5,000.00 (minor units).
TWINT_MAXIMUM = 500_000
# Recurring TWINT payments need Stripe API version 2026-05-27.dahlia; payments.STRIPE_API_VERSION is older.
TWINT_FREQUENCIES = (Frequency.ONE_OFF,)


def offered(section):
    """The section's methods, in the order the page shows them: Stripe's where the section has Stripe's
    keys (each only where Stripe takes its currency), mobile money where it has PayGate's."""
    methods = []
    if not payments.stripe_missing(section):
        if section.accept_card:
            methods.append(DonationMethod.CARD)
        if section.accept_twint and section.currency == "CHF":
            methods.append(DonationMethod.TWINT)
        if section.accept_sepa_debit and section.currency == "EUR":
            methods.append(DonationMethod.SEPA_DEBIT)
    if mobile_money.offered(section):
        methods.append(DonationMethod.MOBILE_MONEY)
    return methods


def unavailable_reasons(section):
    """Why this section cannot take donations right now (for editors), or [] when it can: switched off, or no
    way to pay (Stripe's methods need its keys; a section with mobile money takes gifts without them)."""
    reasons = []
    if not section.donations_enabled:
        reasons.append(gettext_lazy("Donations are switched off in the section settings."))
    if not offered(section):
        reasons.extend(payments.stripe_missing(section))
        if not (section.accept_card or section.accept_twint or section.accept_sepa_debit):
            reasons.append(
                gettext_lazy("The section settings accept no way to pay: accept cards or another method.")
            )
    return reasons


def mandate_text(section, language):
    """Stripe's SEPA Direct Debit mandate, naming the section's legal entity, in the page's language.

    The donor accepts it by giving with their IBAN; the donation keeps these words as shown.
    """
    texts = section_texts(section.site_id, language)
    creditor = (texts.legal_entity or "").strip() or section.name
    with translation.override(language):
        return _(
            "By providing your IBAN and confirming this payment, you authorise (A) %(creditor)s and Stripe, "
            "our payment service provider, to send instructions to your bank to debit your account and (B) "
            "your bank to debit your account in accordance with those instructions. As part of your rights, "
            "you are entitled to a refund from your bank under the terms and conditions of your agreement "
            "with your bank. A refund must be claimed within 8 weeks starting from the date on which your "
            "account was debited. Your rights are explained in a statement that you can obtain from your "
            "bank. You agree to receive notifications for future debits up to 2 days before they occur."
        ) % {"creditor": creditor}
