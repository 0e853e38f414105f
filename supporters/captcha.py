"""Every form's spam protection, as its section chose: ALTCHA (the default) or reCAPTCHA.

ALTCHA is a proof of work that Plaidoyer issues and verifies itself (supporters.proof_of_work):
nothing to set up per section, no request to anyone else. A form posted without its solution
(JavaScript off) is valid: each action then takes its stricter no-script path
(`SpamProtectedForm.without_proof_of_work`).

reCAPTCHA (django-recaptcha, v3 with a score threshold or the v2 checkbox) is a section's own
choice: its site key is in the section settings, its private key in the environment
(RECAPTCHA_PRIVATE_KEY_<CODE>). Without keys it is off in development (templates show a warning)
and, where settings.CAPTCHA_REQUIRED is set (production), every form of that section is withheld
with the sentence of `captcha_missing`.
"""

from urllib.error import URLError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_recaptcha.fields import ReCaptchaField
from django_recaptcha.widgets import ReCaptchaV2Checkbox, ReCaptchaV3

from sections.models import CaptchaMode
from sections.secrets import section_secret

from . import proof_of_work


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
    if section.captcha_mode == CaptchaMode.ALTCHA:
        return True
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
    """A captcha field for `section`'s forms, or None when reCAPTCHA is off (development, no keys)."""
    if section.captcha_mode == CaptchaMode.ALTCHA:
        return proof_of_work.ProofOfWorkField(section)
    if not captcha_enabled(section):
        return None
    public_key, private_key = captcha_keys(section)
    if section.captcha_mode == CaptchaMode.V2:
        widget = ReCaptchaV2Checkbox()
    else:
        widget = ReCaptchaV3(action=action, required_score=float(section.captcha_score_threshold))
    return SectionReCaptchaField(public_key=public_key, private_key=private_key, widget=widget, label="")


# What each action does without JavaScript, said on its page in a <noscript> notice.
NO_SCRIPT_NOTICES = {
    "sign": _(
        "Without JavaScript you can still sign: your signature then counts once you confirm it "
        "with the button in the email we send you."
    ),
    "join": _(
        "Without JavaScript you can still join: your membership then starts once you confirm it "
        "with the button in the email we send you."
    ),
    "letter": _(
        "Without JavaScript you can still prepare your letter; fewer letters are accepted from one connection."
    ),
    "message": _(
        "Without JavaScript you can still send your message; fewer messages are accepted from one "
        "connection, and our team reads each one before it is delivered."
    ),
    "donate": _(
        "Giving online needs JavaScript, for the card payment and the anti-spam check. "
        "Please turn it on to give here."
    ),
}


class SpamProtectedForm:
    """A form with its section's spam protection as its `captcha` field (a mixin for forms.Form).

    A solved proof of work is claimed (made unusable again) only once every other field is valid, so
    that a visitor who corrects a mistake is not told their check was already used, and nothing is
    claimed for a form that does nothing.
    """

    def add_spam_protection(self, section, action):
        field = captcha_field(section, action) if section is not None else None
        if field is not None:
            if isinstance(field, proof_of_work.ProofOfWorkField):
                field.widget.no_script_notice = NO_SCRIPT_NOTICES.get(action, "")
            self.fields["captcha"] = field

    @property
    def has_captcha(self):
        return "captcha" in self.fields

    @property
    def without_proof_of_work(self):
        """True when the form takes ALTCHA and came without a solution (JavaScript off, or a bot)."""
        return (
            isinstance(self.fields.get("captcha"), proof_of_work.ProofOfWorkField)
            and self.is_bound
            and "captcha" not in self.errors
            and self.cleaned_data.get("captcha") is None
        )

    def proof_of_work_owner(self):
        """What a solution is used for: the same form sent again for the same thing may reuse it ("" never)."""
        return ""

    def full_clean(self):
        super().full_clean()
        solution = self.cleaned_data.get("captcha") if self.is_bound else None
        if (
            isinstance(self.fields.get("captcha"), proof_of_work.ProofOfWorkField)
            and solution
            and not self.errors
        ):
            try:
                proof_of_work.claim(*solution, owner=self.proof_of_work_owner())
            except ValidationError as error:
                self.add_error("captcha", error)
