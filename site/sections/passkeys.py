"""Passkeys (WebAuthn, django-otp-webauthn) as the admin's second factor: their names, renaming and removal.

django-otp-webauthn does the ceremonies (its JSON endpoints under /admin/passkeys/, its scripts from its
static files); a passkey is a django-otp device, so wagtail-2fa's middleware accepts a session verified
with one as it accepts a TOTP code. What it leaves to the project is here: the name a new passkey gets,
and the admin pages that rename and remove one.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DeleteView, UpdateView
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as ceremonies
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .dates import long_date


class PasskeyHelper(WebAuthnHelper):
    """django-otp-webauthn's helper, naming each new passkey after the day it was added (renamed later)."""

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        credential.name = gettext("Passkey added on %(date)s") % {"date": long_date()}
        return credential


def passkeys_of(user_id):
    return WebAuthnCredential.objects.filter(user_id=user_id, confirmed=True).order_by("created_at")


def device_list_url(user_id):
    return reverse("wagtail_2fa_device_list", kwargs={"user_id": user_id})


class PasskeyNameForm(forms.ModelForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("So that you know which passkey it is, for example the phone or key that holds it."),
    )

    class Meta:
        model = WebAuthnCredential
        fields = ["name"]


class PasskeyRenameView(WagtailAdminTemplateMixin, UpdateView):
    """A staff member renames one of their own passkeys."""

    form_class = PasskeyNameForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = _("Rename a passkey")
    header_icon = "key"

    def get_queryset(self):
        return passkeys_of(self.request.user.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(action_url=self.request.path, submit_button_label=_("Save"), **kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(
            self.request, _("The passkey is now called “%(name)s”.") % {"name": form.instance.name}
        )
        return redirect(device_list_url(self.request.user.pk))


class PasskeyDeleteView(WagtailAdminTemplateMixin, DeleteView):
    """A staff member removes one of their passkeys; a superuser removes someone's lost one, as for TOTP devices."""

    template_name = "sections/admin/passkey_delete.html"
    page_title = _("Remove a passkey")
    header_icon = "key"

    def get_queryset(self):
        if self.request.user.is_superuser:
            return WebAuthnCredential.objects.all()
        return WebAuthnCredential.objects.filter(user=self.request.user)

    def form_valid(self, form):
        passkey = self.get_object()
        passkey.delete()
        messages.success(self.request, _("The passkey “%(name)s” is removed.") % {"name": passkey.name})
        return redirect(device_list_url(passkey.user_id))


# django-otp-webauthn writes these refusals in English only (utils.rewrite_exceptions): the admin says them
# in its language. Every other refusal of the package is translated (sections/passkey_messages.py).
UNREADABLE = _("Your browser's answer could not be read. Try again, or use another passkey.")
REFUSALS = {
    "invalid_authentication_response": _(
        "This passkey could not confirm that it is you. Try again, or use another passkey."
    ),
    "invalid_registration_response": _(
        "This passkey could not be registered. Try again, or use another one."
    ),
}


class TranslatedRefusals:
    """A ceremony whose refusals (always a 4xx: the package turns every unusable body into one) are in the
    admin's language rather than the package's English."""

    def handle_exception(self, exc):
        if isinstance(exc, OTPWebAuthnApiError):
            if exc.code in REFUSALS:
                exc.detail = REFUSALS[exc.code]
            elif isinstance(exc.detail, str):  # untranslated: not a lazy gettext string
                exc.detail = UNREADABLE
        return super().handle_exception(exc)


class BeginRegistration(TranslatedRefusals, ceremonies.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(TranslatedRefusals, ceremonies.CompleteCredentialRegistrationView):
    pass


class BeginAuthentication(TranslatedRefusals, ceremonies.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(TranslatedRefusals, ceremonies.CompleteCredentialAuthenticationView):
    pass


# The package's URL names and namespace (its template tags reverse them), with the views above.
ceremony_urls = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginAuthentication.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]

admin_urls = [
    path("passkeys/", include((ceremony_urls, "otp_webauthn"))),
    path("passkeys/<int:pk>/rename/", PasskeyRenameView.as_view(), name="sections_passkey_rename"),
    path("passkeys/<int:pk>/remove/", PasskeyDeleteView.as_view(), name="sections_passkey_remove"),
]
