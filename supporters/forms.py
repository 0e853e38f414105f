"""The form of the *Your data* page: an address, what the person wants, and the section's spam protection."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .captcha import SpamProtectedForm
from .emails import canonical_email
from .models import RightsKind


class RightsRequestForm(SpamProtectedForm, forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you used to sign, write, join or give."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=RightsKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a copy of your data or its erasure."),
            "invalid_choice": _("Please choose one of the two requests offered."),
        },
    )

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_spam_protection(section, "rights")

    def proof_of_work_owner(self):
        return canonical_email(self.cleaned_data["email"])

    def clean_email(self):
        return self.cleaned_data["email"].strip()
