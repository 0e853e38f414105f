"""reCAPTCHA per section (django-recaptcha): v3 with a score threshold or the v2 checkbox.

Keys: the site key is in the section settings, the private key in the
environment (RECAPTCHA_PRIVATE_KEY_<CODE>). Without keys the captcha is off in
development (templates show a warning) and, where settings.CAPTCHA_REQUIRED is
set (production), every form is withheld with the sentence of `captcha_missing`.
"""

from urllib.error import URLError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_recaptcha.fields import ReCaptchaField
from django_recaptcha.widgets import ReCaptchaV2Checkbox, ReCaptchaV3

from sections.models import CaptchaMode
from sections.secrets import section_secret


class CaptchaNotConfigured(Exception):
    """The section has no reCAPTCHA keys where a captcha is required."""


class SectionReCaptchaField(ReCaptchaField):
    default_error_messages = {
        "required": _("Please confirm that you are not a robot."),
        "captcha_invalid": _("We could not confirm that you are not a robot. Please try again."),
        "captcha_error": _(
            "The anti-spam check could not be reached, so nothing was sent. Please try again in a few minutes."
        ),
    }

    def validate(self, value):
        # django-recaptcha only catches HTTPError; an unreachable service fails closed too.
        try:
            super().validate(value)
        except (URLError, OSError, ValueError) as error:
            raise ValidationError(self.error_messages["captcha_error"], code="captcha_error") from error


def captcha_keys(section):
    return section.recaptcha_public_key, section_secret("RECAPTCHA_PRIVATE_KEY", section.code)


def captcha_enabled(section):
    public_key, private_key = captcha_keys(section)
    if public_key and private_key:
        return True
    if settings.CAPTCHA_REQUIRED:
        raise CaptchaNotConfigured(section.code)
    return False


def captcha_missing(section):
    """The sentence a visitor reads instead of a form, where a captcha is required and `section` has no keys; else None.

    Every action (signing, letters, messages of solidarity, donations) asks this before it builds
    its form: the page is still served, in its language, and a POST is answered 503, not 500.
    """
    try:
        captcha_enabled(section)
    except CaptchaNotConfigured:
        return _(
            "This form is unavailable for now: this site's protection against spam is not set up yet. "
            "Please try again later."
        )
    return None


def captcha_field(section, action):
    """A captcha field for `section`'s forms, or None when the captcha is off (development)."""
    if not captcha_enabled(section):
        return None
    public_key, private_key = captcha_keys(section)
    if section.captcha_mode == CaptchaMode.V2:
        widget = ReCaptchaV2Checkbox()
    else:
        widget = ReCaptchaV3(action=action, required_score=float(section.captcha_score_threshold))
    return SectionReCaptchaField(public_key=public_key, private_key=private_key, widget=widget, label="")
