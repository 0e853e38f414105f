"""Everyone with admin access signs in with a second factor (wagtail-2fa, TOTP) before any admin page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sections")]


def role_user(sections, code, role):
    user = get_user_model().objects.create_user(f"{code}-{role}-2fa", password="pw")
    user.groups.set([sections[code].groups[role]])
    return user


def token(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return str(totp.token()).zfill(device.digits)


def signed_in_client(user):
    client = Client()
    assert client.login(username=user.username, password="pw")
    return client


@override_settings(WAGTAIL_2FA_REQUIRED=True)
@pytest.mark.parametrize("role", ["editor", "moderator", "data-officer", "translator"])
def test_a_user_without_a_device_must_set_one_up_before_any_admin_page(sections, role):
    client = signed_in_client(role_user(sections, "ch", role))
    for path in ("/admin/", "/admin/pages/", "/admin/signatures/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtail_2fa_device_new"))
    assert client.get(reverse("wagtail_2fa_device_new")).status_code == 200


@override_settings(WAGTAIL_2FA_REQUIRED=True)
def test_the_right_code_opens_the_admin_and_a_wrong_one_does_not(sections):
    user = role_user(sections, "ch", "data-officer")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client = signed_in_client(user)
    assert client.get("/admin/signatures/")["Location"].startswith(reverse("wagtail_2fa_auth"))

    wrong = client.post(reverse("wagtail_2fa_auth"), {"otp_token": "000000", "next": "/admin/signatures/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert client.get("/admin/signatures/").status_code == 302
    # django-otp makes the next attempt wait after a failure (1 s, then doubling): let that time pass.
    device.refresh_from_db()
    device.throttle_reset()

    right = client.post(
        reverse("wagtail_2fa_auth"), {"otp_token": token(device), "next": "/admin/signatures/"}
    )
    assert right.status_code == 302, right.context["form"].errors
    assert right["Location"] == "/admin/signatures/"
    assert client.get("/admin/signatures/").status_code == 200


@override_settings(WAGTAIL_2FA_REQUIRED=True)
def test_setting_up_a_device_takes_the_password_and_a_code_from_it(sections):
    user = role_user(sections, "fr", "editor")
    client = signed_in_client(user)
    page = client.get(reverse("wagtail_2fa_device_new"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get(reverse("wagtail_2fa_device_qrcode")).status_code == 200
    response = client.post(
        reverse("wagtail_2fa_device_new"), {"name": "Téléphone", "otp_token": token(device), "password": "pw"}
    )
    assert response.status_code == 302, page.context["form"].errors
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/admin/").status_code == 200


def test_wagtail_2fa_still_needs_its_patches():
    """When a wagtail-2fa release fixes these, delete the matching part of sections/wagtail_2fa_patches.py."""
    import inspect

    import wagtail_2fa.forms
    import wagtail_2fa.middleware
    import wagtail_2fa.wagtail_hooks

    assert "from wagtail.users.widgets import UserListingButton" in inspect.getsource(
        wagtail_2fa.wagtail_hooks
    )
    assert "otp_device" not in inspect.getsource(wagtail_2fa.forms.TokenForm)
    middleware = inspect.getsource(wagtail_2fa.middleware)
    assert "_allowed_url_names = [" in middleware and "credential-authentication" not in middleware


@override_settings(WAGTAIL_2FA_REQUIRED=True)
def test_a_verified_superuser_manages_users_and_their_devices(sections):
    admin = get_user_model().objects.create_superuser("root-2fa", "root@example.org", "pw")
    device = TOTPDevice.objects.create(user=admin, name="Clé", confirmed=True)
    client = signed_in_client(admin)
    client.post(reverse("wagtail_2fa_auth"), {"otp_token": token(device), "next": "/admin/"})
    users = client.get("/admin/users/")
    assert users.status_code == 200
    assert reverse("wagtail_2fa_device_list", kwargs={"user_id": admin.pk}) in users.content.decode()
    assert client.get(reverse("wagtail_2fa_device_list", kwargs={"user_id": admin.pk})).status_code == 200
