"""Workarounds for wagtail-2fa 1.8, which we use for the admin's second factor (TOTP codes and passkeys).

1. Wagtail 8 (labd/wagtail-2fa#283). Its admin hooks import `wagtail.users.widgets.UserListingButton`, which Wagtail 7.1 deprecated and
Wagtail 8 removed in favour of `wagtail.admin.widgets.ListingButton`. Until wagtail-2fa imports the
new name, this gives the old module name the new class, before Wagtail loads anyone's admin hooks.

2. django-otp 1.7.2 and later. Since that security release, a token is checked only against the device
the form names (`otp_device`), so that a wrong code does not throttle every device of the user.
wagtail-2fa's sign-in form names none, so every code was refused with "Please select a device". The
form now names the user's first confirmed TOTP device, the kind wagtail-2fa creates.

3. Passkeys (django-otp-webauthn). wagtail-2fa's middleware sends every signed-in but unverified user to
its code form, except on the URLs its private lists `_allowed_url_names` and
`_allowed_url_names_no_device` name, and it has no setting to add any (it knows only its own TOTP
pages; django-otp-webauthn's docs ask for its endpoints to be exempted, `utils.get_exempt_urls`). The
middleware below adds the passkey sign-in to the first list (the password is already given; the
passkey is the second factor), and the passkey registration to the second one (someone with no
device yet may choose a passkey instead of a TOTP app; with a device, registering needs a verified
session, which the package checks too).

`test_admin_second_factor.test_wagtail_2fa_still_needs_its_patches` fails once a release fixes
any of them: then delete that part (or this module, its call in apps.py and the middleware setting).
"""

import sys
import types

from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.widgets import ListingButton
from wagtail_2fa import middleware

PASSKEY_SIGN_IN_URL_NAMES = [
    "credential-authentication-begin",
    "credential-authentication-complete",
    "js-i18n-catalog",
]
PASSKEY_REGISTRATION_URL_NAMES = ["credential-registration-begin", "credential-registration-complete"]


class VerifyUserMiddleware(middleware.VerifyUserMiddleware):
    """wagtail-2fa's middleware, letting a user who gave their password through to the passkey sign-in."""

    _allowed_url_names = [*middleware.VerifyUserMiddleware._allowed_url_names, *PASSKEY_SIGN_IN_URL_NAMES]
    _allowed_url_names_no_device = [
        *middleware.VerifyUserMiddleware._allowed_url_names_no_device,
        *PASSKEY_REGISTRATION_URL_NAMES,
    ]


def name_the_users_device(clean):
    def clean_with_the_users_device(self):
        if not self.cleaned_data.get("otp_device"):
            device = TOTPDevice.objects.devices_for_user(self.user, confirmed=True).first()
            if device is not None:
                self.cleaned_data["otp_device"] = device.persistent_id
        return clean(self)

    return clean_with_the_users_device


def apply():
    from wagtail_2fa.forms import TokenForm

    TokenForm.clean = name_the_users_device(TokenForm.clean)
    if "wagtail.users.widgets" in sys.modules:
        return
    shim = types.ModuleType("wagtail.users.widgets", "Wagtail 7's name for ListingButton, for wagtail-2fa.")
    shim.UserListingButton = ListingButton
    sys.modules["wagtail.users.widgets"] = shim
