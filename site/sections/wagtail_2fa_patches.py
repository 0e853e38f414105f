"""Workarounds for wagtail-2fa 1.8, which we use for the admin's second factor (TOTP).

1. Wagtail 8 (labd/wagtail-2fa#283). Its admin hooks import `wagtail.users.widgets.UserListingButton`, which Wagtail 7.1 deprecated and
Wagtail 8 removed in favour of `wagtail.admin.widgets.ListingButton`. Until wagtail-2fa imports the
new name, this gives the old module name the new class, before Wagtail loads anyone's admin hooks.

2. django-otp 1.7.2 and later. Since that security release, a token is checked only against the device
the form names (`otp_device`), so that a wrong code does not throttle every device of the user.
wagtail-2fa's sign-in form names none, so every code was refused with "Please select a device". The
form now names the user's first confirmed TOTP device, the kind wagtail-2fa creates.

`test_admin_second_factor.test_wagtail_2fa_still_needs_its_patches` fails once a release fixes
either: then delete that part (or this module, and its call in apps.py).
"""

import sys
import types

from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.widgets import ListingButton


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
