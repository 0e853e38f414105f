"""The signing form: names, email, country, postal code, explicit consents and the section's captcha."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sections.texts import section_texts
from supporters.captcha import SpamProtectedForm
from supporters.emails import canonical_email
from supporters.fields import OUTCOME_NEWS_LABEL, NameField, StrictConsentField
from supporters.models import ConsentRecord
from supporters.validators import MARKUP, has_control_characters

from .models import PostalCodeField

POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$")


class SignatureForm(SpamProtectedForm, forms.Form):
    first_name = NameField(label=_("First name"), autocomplete="given-name")
    last_name = NameField(label=_("Last name"), autocomplete="family-name")
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={"invalid": _("Please enter a valid email address, like name@example.org.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = forms.CharField(
        label=_("Country"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "country-name"})
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    consent = StrictConsentField(
        error_messages={"required": _("Your signature can only be counted with this consent.")},
    )
    newsletter = StrictConsentField(required=False)
    # News of what this petition achieves (petitions.outcomes): off unless ticked.
    outcome_news = StrictConsentField(required=False, label=OUTCOME_NEWS_LABEL)
    # The version of the consent wording the visitor read; the ledger records only what was shown.
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, petition, section, **kwargs):
        self.petition = petition
        self.section = section
        self.consent_wording = petition.get_consent_text(section)
        texts = section_texts(section.site_id, petition.locale.language_code) if section else None
        self.newsletter_wording = texts.newsletter_consent_text.strip() if texts else ""
        with translation.override(petition.locale.language_code):
            self.outcome_news_wording = str(OUTCOME_NEWS_LABEL)
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_wording
        self.fields["consent_version"].initial = ConsentRecord.version_of(self.consent_wording)
        if self.newsletter_wording:
            self.fields["newsletter"].label = self.newsletter_wording
        else:
            del self.fields["newsletter"]
        if petition.postal_code == PostalCodeField.HIDDEN:
            del self.fields["postal_code"]
        elif petition.postal_code == PostalCodeField.REQUIRED:
            self.fields["postal_code"].required = True
        # Raises CaptchaNotConfigured where reCAPTCHA is required but the section has no keys.
        self.add_spam_protection(section, "sign")

    def proof_of_work_owner(self):
        # The same person's form sent twice (a double click) signs once anyway: let it be answered alike.
        return canonical_email(self.cleaned_data["email"])

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self):
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_country(self):
        country = " ".join(self.cleaned_data["country"].split())
        if has_control_characters(country) or MARKUP.search(country):
            raise ValidationError(_("Please write the name of your country without special characters."))
        return country

    def clean_postal_code(self):
        code = " ".join(self.cleaned_data.get("postal_code", "").split())
        if code and not POSTAL_CODE.match(code):
            raise ValidationError(_("Please enter a postal code of letters and digits, like 1003 or 75019."))
        return code

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("consent")
            and cleaned.get("consent_version") != self.fields["consent_version"].initial
        ):
            self.add_error(
                "consent",
                _(
                    "The wording of this consent has changed since the page was loaded. Please read it and tick again."
                ),
            )
        return cleaned
