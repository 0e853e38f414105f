"""The donation form: amount and frequency checked on the server, donor details, consent, captcha."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError as NumberInvalid

from sections.texts import section_texts
from supporters.captcha import NO_SCRIPT_NOTICES, SpamProtectedForm
from supporters.fields import NameField

from . import methods, mobile_money, money
from .models import FIXED_DESIGNATIONS, DonationMethod, Frequency

CARD_UNAVAILABLE = _(
    "The card field could not be loaded from our payment provider, Stripe. Nothing was charged; "
    "please check your connection and try again."
)
# Redis (the rate limits against card testing) cannot be reached: no payment starts meanwhile.
LIMITS_UNAVAILABLE = _(
    "Donations are paused for a few minutes: our protection against card fraud is unavailable. "
    "Nothing was charged. Please try again in a few minutes."
)
# Stripe refused the attempt's key, sent before with other details (stripe.error.IdempotencyError).
CHANGED_SINCE_FIRST_TRY = _(
    "The details of this gift changed since your first try, so the payment service would not take it "
    "as the same payment. Please reload the page and give again."
)


def new_idempotency_key():
    return uuid.uuid4().hex


def valid_iban(text):
    """The IBAN without spaces when its checksum holds, "" when nothing was typed, else a ValidationError."""
    text = text.strip()
    if not text:
        return ""
    try:
        return iban_number.validate(text)
    except NumberInvalid:
        raise forms.ValidationError(
            _("This IBAN is not valid: please check it against your bank details.")
        ) from None


class DonationForm(SpamProtectedForm, forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often?"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the frequencies this page offers.")},
    )
    amount = forms.CharField(
        label=_("Amount"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "transaction-amount"}),
    )
    currency = forms.CharField(widget=forms.HiddenInput)
    # Names go to Stripe's customer records and the receipts: the same rule as every form's.
    first_name = NameField(label=_("First name"), autocomplete="given-name")
    last_name = NameField(label=_("Last name"), autocomplete="family-name")
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    consent = forms.BooleanField(
        error_messages={"required": _("Please agree so that we can process your gift.")},
    )
    newsletter = forms.BooleanField(required=False)
    designation = forms.ChoiceField(
        required=False,
        choices=[("", ""), *[(code, code) for code in FIXED_DESIGNATIONS]],
        widget=forms.HiddenInput,
    )
    method = forms.ChoiceField(
        label=_("How would you like to pay?"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the ways to pay this page offers.")},
    )
    # SEPA Direct Debit: the IBAN is checked here, then sent to Stripe; we keep only the donation's mandate.
    iban = forms.CharField(
        label=_("IBAN"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # One key per attempt: a repeated submission of the same attempt reuses it.
    idempotency_key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    # The id of the card PaymentMethod made by Stripe.js in the browser (card numbers never reach this server).
    payment_method = forms.CharField(
        required=False,
        max_length=255,
        widget=forms.HiddenInput,
    )

    address_fields = ("address_line", "postal_code", "city", "country")

    def __init__(self, *args, page, section, query=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.section = section
        self.currency = section.currency
        labels = dict(Frequency.choices)
        self.fields["frequency"].choices = [(value, labels[value]) for value in page.frequencies]
        self.methods = methods.offered(section)
        method_labels = dict(DonationMethod.choices)
        self.fields["method"].choices = [(value, method_labels[value]) for value in self.methods]
        self.mandate_text = (
            methods.mandate_text(section, page.locale.language_code)
            if DonationMethod.SEPA_DEBIT in self.methods
            else ""
        )
        # The page's language, whatever the admin's or the browser's; the ledger records these words.
        texts = section_texts(section.site_id, page.locale.language_code)
        self.consent_wording = texts.consent_text.strip() or str(
            _("I agree that my data is processed for this gift, as described in the privacy policy.")
        )
        self.newsletter_wording = texts.newsletter_consent_text.strip()
        self.fields["consent"].label = self.consent_wording
        if self.newsletter_wording:
            self.fields["newsletter"].label = self.newsletter_wording
        else:
            del self.fields["newsletter"]
        if section.donation_requires_address:
            # Tax receipts need the donor's postal address.
            self.fields["address_line"] = forms.CharField(
                label=_("Street and number"),
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
            )
            self.fields["postal_code"] = forms.CharField(
                label=_("Postal code"),
                max_length=20,
                widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
            )
            self.fields["city"] = forms.CharField(
                label=_("City"),
                max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
            )
            self.fields["country"] = forms.CharField(
                label=_("Country"),
                max_length=100,
                initial=section.country,
                widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
            )
        # Mobile money (Togo), where the section takes it: the payment method, network and number.
        mobile_money.add_fields(self, section)
        self.add_spam_protection(section, "donate")
        if "captcha" in self.fields and hasattr(self.fields["captcha"].widget, "auto"):
            # donate.js solves the proof of work itself, after the card's PaymentMethod, before it posts.
            self.fields["captcha"].widget.auto = "off"
        # The amount's limits are said under it (the page's help text).
        self.fields["amount"].widget.attrs["aria-describedby"] = "id_amount_help"
        if not self.is_bound:
            self.initial.update(
                {
                    "frequency": page.default_frequency,
                    "amount": str(page.default_amount),
                    "currency": self.currency,
                    "method": self.methods[0] if self.methods else "",
                    "idempotency_key": new_idempotency_key(),
                }
            )
            self.initial.update(initial_from_link(query or {}, page))

    def proof_of_work_owner(self):
        # The same attempt sent twice (a double click, a retry) resumes the one donation it started.
        return self.cleaned_data.get("idempotency_key", "")

    def full_clean(self):
        super().full_clean()
        if self.without_proof_of_work:
            # Card payments need Stripe's script anyway: a gift cannot be made without JavaScript.
            self.add_error(
                "captcha",
                NO_SCRIPT_NOTICES["donate"],
            )
        # Screen readers announce a field's errors (and the amount's limits) when the field gets focus.
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                described = ["id_amount_help"] if name == "amount" else []
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(
                    [*described, f"id_{name}_errors"]
                )
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency != self.currency:
            raise forms.ValidationError(
                _("This page takes gifts in %(currency)s only."), params={"currency": self.currency}
            )
        return currency

    def clean_amount(self):
        """Whatever the browser sent, the amount must be a number in the currency and within the page's bounds."""
        text = self.cleaned_data["amount"]
        currency = self.currency
        try:
            minor = money.to_minor(text, currency)
        except ValueError:
            if not money.is_number(text):
                raise forms.ValidationError(_("Enter the amount in figures, for example 50.")) from None
            if money.exponent(currency) == 0:
                raise forms.ValidationError(
                    _("Amounts in %(currency)s have no decimals: enter a whole number."),
                    params={"currency": currency},
                ) from None
            raise forms.ValidationError(
                _("Enter an amount with at most %(places)s decimals."),
                params={"places": money.exponent(currency)},
            ) from None
        minimum, maximum = self.page.bounds(currency)
        if minor < minimum:
            raise forms.ValidationError(
                _("The minimum gift is %(minimum)s."),
                params={"minimum": money.format_amount(minimum, currency)},
            )
        if minor > maximum:
            raise forms.ValidationError(
                _("The maximum gift online is %(maximum)s. For a larger gift, please contact us."),
                params={"maximum": money.format_amount(maximum, currency)},
            )
        return minor

    def clean_iban(self):
        return valid_iban(self.cleaned_data["iban"])

    def clean(self):
        """What each way to pay allows: the IBAN for a direct debit, one-off gifts up to its limit for TWINT,
        a Togolese number of the chosen network for mobile money."""
        data = super().clean()
        method = data.get("method")
        if method == DonationMethod.SEPA_DEBIT and "iban" not in self.errors and not data.get("iban"):
            self.add_error("iban", _("Please enter the IBAN of the account to debit."))
        if method == DonationMethod.TWINT:
            if data.get("frequency") and data["frequency"] not in methods.TWINT_FREQUENCIES:
                self.add_error(
                    "method",
                    _(
                        "TWINT takes one-off gifts only: for a monthly gift, please choose another way to pay."
                    ),
                )
            if data.get("amount") and data["amount"] > methods.TWINT_MAXIMUM:
                self.add_error(
                    "amount",
                    _(
                        "With TWINT, a gift can be at most %(maximum)s: please give less or choose another way to pay."
                    )
                    % {"maximum": money.format_amount(methods.TWINT_MAXIMUM, "CHF")},
                )
        mobile_money.clean(self)
        return data

    def require_card(self):
        """The card PaymentMethod is checked after the fields, so that a visitor sees every field error at once."""
        if self.cleaned_data.get("method", DonationMethod.CARD) != DonationMethod.CARD:
            # TWINT, SEPA Direct Debit and mobile money need no card.
            return True
        if not self.cleaned_data.get("payment_method"):
            if self.data.get("card_unavailable"):
                # Set by donate.js when Stripe.js could not be loaded: there was no card field to fill in.
                self.add_error("payment_method", CARD_UNAVAILABLE)
            else:
                self.add_error("payment_method", _("Please enter your card details."))
            return False
        return True


def initial_from_link(query, page):
    """What a link to the page may preset: a fixed designation, and a whole amount within the page's limits."""
    initial = {}
    if query.get("designation") in FIXED_DESIGNATIONS:
        initial["designation"] = query["designation"]
        initial["frequency"] = (
            Frequency.ONE_OFF if Frequency.ONE_OFF in page.frequencies else page.default_frequency
        )
    amount = query.get("amount", "")
    if amount.isdigit() and page.minimum_amount <= int(amount) <= page.maximum_amount:
        initial["amount"] = amount
    return initial


# --- Managing a monthly gift (manage_views.py) --------------------------------------------------


class ManageLinkRequestForm(SpamProtectedForm, forms.Form):
    """The "manage my monthly gift" form: an address, and the section's spam protection."""

    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_spam_protection(section, "manage")


class ChangeAmountForm(forms.Form):
    """A new monthly amount for one gift, within its page's bounds, in its currency."""

    amount = forms.CharField(
        label=_("New monthly amount"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    # One key per attempt: a repeated post replays Stripe's first answer.
    attempt = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, donation, **kwargs):
        super().__init__(*args, **kwargs)
        self.donation = donation
        self.prefix = f"gift{donation.pk}"
        if not self.is_bound:
            self.initial.update(
                {
                    "amount": money.plain_amount(donation.amount, donation.currency),
                    "attempt": new_idempotency_key(),
                }
            )

    def clean_amount(self):
        text = self.cleaned_data["amount"]
        currency = self.donation.currency
        try:
            minor = money.to_minor(text, currency)
        except ValueError:
            if not money.is_number(text):
                raise forms.ValidationError(_("Enter the amount in figures, for example 50.")) from None
            raise forms.ValidationError(
                _("Enter an amount with at most %(places)s decimals."),
                params={"places": money.exponent(currency)},
            ) from None
        page = self.donation.page
        minimum, maximum = page.bounds(currency) if page is not None else (money.to_minor(1, currency), None)
        if minor < minimum:
            raise forms.ValidationError(
                _("The minimum gift is %(minimum)s."),
                params={"minimum": money.format_amount(minimum, currency)},
            )
        if maximum is not None and minor > maximum:
            raise forms.ValidationError(
                _("The maximum gift online is %(maximum)s. For a larger gift, please contact us."),
                params={"maximum": money.format_amount(maximum, currency)},
            )
        if minor == self.donation.amount:
            raise forms.ValidationError(_("This is already your monthly amount."))
        return minor


class ChangeAccountForm(forms.Form):
    """A monthly direct debit's new account: its IBAN, under the mandate shown next to it."""

    iban = forms.CharField(
        label=_("IBAN of the new account"),
        max_length=50,
        error_messages={"required": _("Please enter the IBAN of the account to debit.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # One key per attempt: a repeated post replays Stripe's first answers.
    attempt = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, donation, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = f"account{donation.pk}"
        if not self.is_bound:
            self.initial["attempt"] = new_idempotency_key()

    def clean_iban(self):
        return valid_iban(self.cleaned_data["iban"])
