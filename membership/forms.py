"""The join form: how to take part, a local group or none, who the person is, consents and the captcha."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sections.texts import section_texts
from supporters.captcha import SpamProtectedForm
from supporters.emails import canonical_email
from supporters.fields import NameField, StrictConsentField
from supporters.models import ConsentRecord
from supporters.validators import MARKUP, has_control_characters

from .models import AgeBracket, Way, local_groups

GROUP_CONTACT_WORDING = _(
    "Pass my name, email address and phone number to the coordinator of my local group, "
    "so that they can welcome me."
)


class JoinForm(SpamProtectedForm, forms.Form):
    way = forms.ChoiceField(
        label=_("How would you like to take part?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose how you would like to take part."),
            "invalid_choice": _("Please choose one of the ways offered."),
        },
    )
    group = forms.CharField(label=_("Local group"), required=False, widget=forms.Select, max_length=20)
    first_name = NameField(label=_("First name"), autocomplete="given-name")
    last_name = NameField(label=_("Last name"), autocomplete="family-name")
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={"invalid": _("Please enter a valid email address, like name@example.org.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    town = forms.CharField(
        label=_("Town"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    age_bracket = forms.ChoiceField(
        label=_("Age"),
        choices=[("", _("Choose your age")), *AgeBracket.choices],
        error_messages={
            "required": _("Please tell us your age bracket."),
            "invalid_choice": _("Please choose one of the age brackets listed."),
        },
    )
    consent = StrictConsentField(
        error_messages={"required": _("We can only welcome you with this consent.")},
    )
    share_with_group = StrictConsentField(required=False, label=GROUP_CONTACT_WORDING)
    newsletter = StrictConsentField(required=False)
    # The version of the consent wording the visitor read; the ledger records only what was shown.
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, page, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.section = section
        self.consent_wording = page.get_consent_text(section)
        texts = section_texts(section.site_id, page.locale.language_code)
        self.newsletter_wording = texts.newsletter_consent_text.strip()
        self.fields["way"].choices = page.ways
        if len(page.ways) == 1:
            self.fields["way"].initial = page.ways[0][0]
        self.groups = local_groups(section.site_id, page.locale_id)
        open_groups = [group for group in self.groups if group.is_open]
        self.fields["group"].widget.choices = [
            ("", _("No local group")),
            *[(str(group.pk), f"{group.town} – {group.name}") for group in open_groups],
        ]
        if not open_groups:
            del self.fields["group"]
            del self.fields["share_with_group"]
        self.fields["consent"].label = self.consent_wording
        self.fields["consent_version"].initial = ConsentRecord.version_of(self.consent_wording)
        if self.newsletter_wording:
            self.fields["newsletter"].label = self.newsletter_wording
        else:
            del self.fields["newsletter"]
        if not page.asks_age:
            del self.fields["age_bracket"]
        # Raises CaptchaNotConfigured where reCAPTCHA is required but the section has no keys.
        self.add_spam_protection(section, "join")

    def proof_of_work_owner(self):
        # The same person's form sent twice (a double click) joins once anyway: let it be answered alike.
        return canonical_email(self.cleaned_data["email"])

    @property
    def group_contact_wording(self):
        return str(GROUP_CONTACT_WORDING)

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self):
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_town(self):
        town = " ".join(self.cleaned_data["town"].split())
        if has_control_characters(town) or MARKUP.search(town):
            raise ValidationError(_("Please write the name of your town without special characters."))
        return town

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        # A number without its country code is read as one of the section's country.
        region = self.section.code.upper()
        try:
            number = phonenumbers.parse(phone, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                _(
                    "This is not a phone number we can call. Please check it, or add your country code (e.g. +41)."
                )
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean_group(self):
        value = self.cleaned_data.get("group", "")
        if not value:
            return None
        group = next((group for group in self.groups if str(group.pk) == value), None)
        if group is None:
            raise ValidationError(_("Please choose one of the local groups listed."))
        if not group.is_open:
            raise ValidationError(
                _("This group is full for now. Please choose another group, or join without one.")
            )
        return group

    def clean_age_bracket(self):
        bracket = self.cleaned_data["age_bracket"]
        minimum = self.page.minimum_age
        if minimum and int(bracket) < minimum:
            raise ValidationError(
                _("You can join this section from the age of %(age)s. Thank you for your interest!")
                % {"age": minimum}
            )
        return bracket

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("way") == Way.VOLUNTEER and "group" in self.fields and not cleaned.get("group"):
            if "group" not in self.errors:
                self.add_error("group", _("To volunteer in a local group, please choose one."))
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
