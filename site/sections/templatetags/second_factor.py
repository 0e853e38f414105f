"""The admin's second-factor pages: which kinds of second factor a user has, and their passkeys."""

from django import template
from django_otp.plugins.otp_totp.models import TOTPDevice

from sections import passkeys

register = template.Library()


@register.simple_tag
def passkeys_of(user_id):
    return passkeys.passkeys_of(user_id)


@register.filter
def has_passkey(user):
    return passkeys.passkeys_of(user.pk).exists()


@register.filter
def has_totp_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
