"""The default spam protection: an ALTCHA proof of work that Plaidoyer issues and verifies itself.

The browser fetches a challenge from `challenge` (one URL for the whole site), solves it in a worker
(the `altcha` web component, served from our static files) and posts the solution with the form. The
server checks it with the `altcha` library (HMAC of the challenge, then one key derivation), checks
that its parameters are the ones we issue (settings.ALTCHA_CHALLENGE), and claims it once in the
cache (`cache.add`, atomic; its key expires with the challenge) so that it cannot be posted twice.

A challenge is signed with a key of its section, derived from settings.ALTCHA_HMAC_KEY: a solution
made on one section's site is not accepted on another's.

No solution at all is not an error here: with JavaScript off the widget cannot run, and each action
then takes a stricter path of its own (`SpamProtectedForm.without_proof_of_work`).
"""

import base64
import binascii
import functools
import hashlib
import hmac
import json
import logging
import time

import altcha
from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A challenge may arrive this many seconds after its expiry by our clock, and no earlier than it was
# made: app servers' clocks differ a little.
CLOCK_SKEW = 30

ERRORS = {
    "forged": _(
        "The anti-spam check of this form could not be verified, so nothing was sent. Please try again."
    ),
    "expired": _(
        "The anti-spam check of this form has expired, so nothing was sent. Please send the form again."
    ),
    "replayed": _("This anti-spam check was already used, so nothing was sent. Please send the form again."),
    "unavailable": _(
        "The anti-spam check could not be completed, so nothing was sent. Please try again in a few minutes."
    ),
}


@functools.lru_cache(maxsize=64)
def section_key(master_key, code):
    """The HMAC key of a section's challenges, derived from the site-wide key (never stored)."""
    return hmac.new(master_key.encode(), f"altcha:{code}".encode(), hashlib.sha256).hexdigest()


def key_for(section):
    return section_key(settings.ALTCHA_HMAC_KEY, section.code if section else "")


def new_challenge(section, expires_in=None, **overrides):
    """A fresh signed challenge (a dict, as the widget reads it) with the parameters of settings.ALTCHA_CHALLENGE.

    `overrides` (algorithm, cost, key_prefix) make challenges we would not issue: tests only.
    """
    config = {**settings.ALTCHA_CHALLENGE, **overrides}
    expires_in = config["expires_seconds"] if expires_in is None else expires_in
    challenge = altcha.create_challenge(
        config["algorithm"],
        config["cost"],
        key_prefix=config["key_prefix"],
        expires_at=int(time.time()) + expires_in,
        hmac_secret=key_for(section),
    )
    return challenge.to_dict()


@require_safe
def challenge(request):
    """A new challenge for the forms of the section whose site this is, never cached."""
    from wagtail.models import Site

    from sections.models import SectionSettings

    site = Site.find_for_request(request)
    if site is None:  # a host of no section, and no default site
        raise Http404
    response = JsonResponse(new_challenge(SectionSettings.for_site(site)))
    response["Cache-Control"] = "no-store"
    return response


def decode(payload):
    """The posted payload as a dict, or None if it is not base64 JSON of a challenge and a solution."""
    try:
        decoded = json.loads(base64.b64decode(payload, validate=True))
        parameters = decoded["challenge"]["parameters"]
        decoded["solution"]["counter"]
    except (binascii.Error, ValueError, TypeError, KeyError, RecursionError):
        return None
    return decoded if isinstance(parameters, dict) else None


def issued_by_us(parameters):
    """True when a challenge's (signed) parameters are as hard as the ones we issue, with an expiry we would set.

    A key that signed an easier challenge (settings changed since, or a test) must not let it through.
    """
    config = settings.ALTCHA_CHALLENGE
    expires_at = parameters.get("expiresAt")
    return (
        parameters.get("algorithm") == config["algorithm"]
        and isinstance(parameters.get("cost"), int)
        and parameters["cost"] >= config["cost"]
        and isinstance(parameters.get("keyPrefix"), str)
        and len(parameters["keyPrefix"]) >= len(config["key_prefix"])
        and isinstance(expires_at, int)
        and expires_at <= time.time() + config["expires_seconds"] + CLOCK_SKEW
    )


def verify(payload, section):
    """Check a posted solution; returns (nonce, expires_at) of a good one, else raises ValidationError.

    Nothing is claimed here: see `claim`, once the rest of the form is valid.
    """
    decoded = decode(payload)
    if decoded is None:
        raise ValidationError(ERRORS["forged"], code="forged")
    parameters = decoded["challenge"]["parameters"]
    try:
        # The payload as decoded above: altcha would decode it again from the text.
        result = altcha.verify_solution(altcha.Payload.from_dict(decoded), key_for(section))
    except (ValueError, TypeError, KeyError) as error:
        raise ValidationError(ERRORS["forged"], code="forged") from error
    if result.expired:
        raise ValidationError(ERRORS["expired"], code="expired")
    if not result.verified:
        raise ValidationError(ERRORS["forged"], code="forged")
    if not issued_by_us(parameters):
        raise ValidationError(ERRORS["forged"], code="too_easy")
    return parameters["nonce"], parameters["expiresAt"]


def claim_in(store, key, owner, timeout):
    """(first use, same use again) of a solution's `key` in the cache `store`."""
    first = store.add(key, owner, timeout=timeout)
    return first, not first and owner != "-" and store.get(key) == owner


def claim(nonce, expires_at, owner=""):
    """Mark a verified solution as used, atomically; raises ValidationError if it was, or if that cannot be known.

    `owner` names what the solution was used for (e.g. a donation attempt's idempotency key): the
    same form sent twice (a double click) may use it again for the same thing, which the action
    itself does only once; used for anything else, it is refused.
    When the shared store (Redis) cannot be reached, the solution is claimed in this process's memory
    instead: while Redis is down, a solution can be used once per app process, not any number of
    times (README, "Health and faults"). If even that fails, the form is refused, never let through.
    """
    key = f"altcha:used:{nonce}"
    owner = hashlib.sha256(f"{key}:{owner}".encode()).hexdigest() if owner else "-"
    timeout = max(1, int(expires_at - time.time()) + CLOCK_SKEW)
    try:
        first, same_use = claim_in(caches[settings.ALTCHA_REPLAY_CACHE], key, owner, timeout)
    except Exception as error:  # any backend's connection error: never a 500, never a pass
        logger.warning("ALTCHA replay store unreachable, claiming in this process: %s", error)
        try:
            first, same_use = claim_in(caches["local"], key, owner, timeout)
        except Exception as local_error:
            raise ValidationError(ERRORS["unavailable"], code="unavailable") from local_error
    if not (first or same_use):
        raise ValidationError(ERRORS["replayed"], code="replayed")


def widget_strings():
    """The widget's texts in the page's language, from our catalogs (the widget's own are not used)."""
    return {
        "label": str(_("I am not a robot")),
        "verify": str(_("Verify")),
        "verified": str(_("Verified")),
        "verifying": str(_("Checking…")),
        "waitAlert": str(_("Checking that you are not a robot… please wait.")),
        "error": str(_("The anti-spam check failed. Please try again later.")),
        "expired": str(_("The anti-spam check expired. Please try again.")),
        "verificationRequired": str(_("Please complete the anti-spam check.")),
        "loading": str(_("Loading…")),
        "reload": str(_("Reload")),
        "cancel": str(_("Cancel")),
        "ariaLinkLabel": "ALTCHA",
        "footer": "",
    }


class ProofOfWorkWidget(forms.Widget):
    """The `altcha` web component; it solves the challenge when the form is sent, then sends it."""

    template_name = "supporters/proof_of_work_widget.html"
    # "onsubmit": the widget solves when the form is sent, then sends it; "off" where the page's own
    # script asks it to solve (the donation form, which posts with fetch).
    auto = "onsubmit"

    class Media:
        css = {"all": ["supporters/altcha/altcha.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        context["widget"].update(
            challenge_url=reverse("altcha-challenge"),
            language=language,
            # Our catalogs' strings, and the local worker: read by supporters/proof-of-work.js.
            configuration=json.dumps({"hideFooter": True, "hideLogo": True}),
            strings=json.dumps(widget_strings()),
            worker_url=static("supporters/altcha/workers/pbkdf2.js"),
            no_script_notice=getattr(self, "no_script_notice", ""),
            auto=self.auto,
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def use_required_attribute(self, initial):
        return False

    def id_for_label(self, id_):
        return ""


class ProofOfWorkField(forms.Field):
    """A solved ALTCHA challenge, verified on clean; empty is allowed (the no-script path of each action)."""

    widget = ProofOfWorkWidget

    def __init__(self, section, **kwargs):
        kwargs.setdefault("label", "")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.section = section

    def clean(self, value):
        value = (value or "").strip()
        if not value:
            return None
        return verify(value, self.section)


def solved(challenge_dict):
    """What the widget posts for a challenge: solved here with the `altcha` library (tests and benchmarks)."""
    challenge = altcha.Challenge.from_dict(challenge_dict)
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
