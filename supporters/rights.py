"""People exercising their rights themselves: a copy of what a section holds about them, or its erasure.

A visitor gives an address and what they want on a section's *Your data* page (views.rights_request).
Whether or not the section knows the address, the page answers alike and a `RightsRequest` is written;
the address's mailbox is then told by email: a link for a known address, "we hold nothing" otherwise.
The link signs only the request's id (like the confirmation links, supporters.confirmation), expires
after `RIGHTS_LINK_MAX_AGE` and works once: the page it opens has one button, and only that POST
claims the request (a conditional UPDATE) and downloads the copy or erases.

The log of requests and outcomes is the `RightsRequest` rows (section, kind, known, times, rows erased;
the supporter is unlinked once the link is used) and this module's log lines, never an address or a name.
"""

import datetime
import json
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django_tasks import task

from .confirmation import ConfirmationLink
from .emails import canonical_email
from .encryption import email_hash, seal, unseal
from .erasure import erasable_models, erase_supporter
from .models import ConsentRecord, RightsKind, RightsRequest, Supporter

logger = logging.getLogger(__name__)

RIGHTS_LINK_MAX_AGE = 24 * 3600  # a day: the link shows or erases everything the section holds
RIGHTS_LINK = ConfirmationLink("supporters.rights", max_age=RIGHTS_LINK_MAX_AGE)

# Fields of an action row that are the movement's bookkeeping, not something about the person.
INTERNAL_FIELDS = {
    "id",
    "site",
    "supporter",
    "ip_hash",
    "idempotency_key",
    "status_event_at",
    "plan_event_at",
    "stripe_customer_id",
    "stripe_payment_intent_id",
    "stripe_subscription_id",
    "moderated_by",
    "token",
    "consent_version",
}


def address_key(email):
    """A keyed hash of the canonical address: the bucket of its rate limit (the address is never a key)."""
    return salted_hmac("supporters.rights.address", canonical_email(email)).hexdigest()


def record_request(site, email, kind, language):
    """Write the request and queue its email (on commit); the same for a known and an unknown address."""
    supporter = Supporter.objects.filter(
        site=site, email_hash=email_hash(site.pk, email), erased_at__isnull=True
    ).first()
    with transaction.atomic():
        rights_request = RightsRequest.objects.create(
            site=site, kind=kind, language=language, supporter=supporter, known=supporter is not None
        )
        # The address goes to the task only for an unknown one (nothing else holds it), encrypted with
        # the section's key as the task's row keeps it; a known one is read from the supporter.
        address = "" if supporter else seal(site.pk, email)
        transaction.on_commit(lambda: send_rights_email.enqueue(rights_request.pk, address), robust=True)
    logger.info(
        "data request: section=%s kind=%s known=%s request=%s",
        site.pk,
        kind,
        supporter is not None,
        rights_request.pk,
    )
    return rights_request


def link_url(rights_request):
    with translation.override(rights_request.language):
        path = reverse("rights:link", kwargs={"token": RIGHTS_LINK.token(rights_request.pk)})
    return rights_request.site.root_url + path


def _send(site, language, to, template, context):
    from sections.models import SectionSettings
    from sections.texts import section_texts

    section = SectionSettings.for_site(site)
    with translation.override(language), timezone.override(section.zone):
        context = {**context, "section": section, "section_texts": section_texts(site, language)}
        subject = render_to_string(f"supporters/rights/emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"supporters/rights/emails/{template}_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[section.contact_email] if section.contact_email else None,
    ).send()


@task()
def send_rights_email(request_id, unknown_address=""):
    """The link of a request for a known address; for an unknown one, that the section holds nothing."""
    rights_request = RightsRequest.objects.select_related("site", "supporter").filter(pk=request_id).first()
    if rights_request is None:
        return
    context = {"kind": rights_request.kind, "max_age_hours": RIGHTS_LINK_MAX_AGE // 3600}
    supporter = rights_request.supporter
    if supporter is not None and supporter.erased_at is None and supporter.email:
        context["link"] = link_url(rights_request)
        _send(rights_request.site, rights_request.language, supporter.email, "link", context)
    elif unknown_address:
        _send(rights_request.site, rights_request.language, unseal(unknown_address), "unknown", context)


class LinkNotUsable(Exception):
    """The link is expired, forged, already used or names a request of another section."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired", "used" or "invalid"


def request_for_token(token, site):
    """The request a link names, still usable, in this section; raises LinkNotUsable."""
    from django.core import signing

    try:
        request_id = RIGHTS_LINK.row_id(token)
    except signing.SignatureExpired as error:
        raise LinkNotUsable("expired") from error
    except (signing.BadSignature, ValueError) as error:
        raise LinkNotUsable("invalid") from error
    rights_request = (
        RightsRequest.objects.select_related("supporter").filter(pk=request_id, site=site).first()
    )
    if rights_request is None or not rights_request.known:
        raise LinkNotUsable("invalid")
    if rights_request.used_at is not None or rights_request.supporter is None:
        raise LinkNotUsable("used")
    return rights_request


def _claim(rights_request, **outcome):
    """Mark the request used and unlink its supporter; True only for the one call that did (two clicks
    at once: PostgreSQL re-checks `used_at` once the first transaction commits)."""
    return bool(
        RightsRequest.objects.filter(pk=rights_request.pk, used_at__isnull=True).update(
            used_at=timezone.now(), supporter=None, **outcome
        )
    )


# --- The copy ---------------------------------------------------------------------------------
def _display(row, field):
    value = getattr(row, field.name)
    if value in (None, ""):
        return ""
    display = getattr(row, f"get_{field.name}_display", None)
    if callable(display):  # choices, and a model's own display (a donation's amount in its currency)
        return str(display())
    if field.is_relation:
        return str(value)
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(translation.gettext("yes") if value else translation.gettext("no"))
    return str(value)


def copy_of(supporter):
    """What the section of `supporter` holds about them: their identity, each action (kind, date and
    its fields, oldest first) and their consent ledger. Read in the active language and time zone."""
    actions = []
    for model in erasable_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            # UUIDs are translation groups' keys: the page or group itself is listed instead.
            if field.name not in INTERNAL_FIELDS
            and field.name != "created_at"
            and not isinstance(field, models.UUIDField)
        ]
        for row in model._default_manager.filter(supporter=supporter, site_id=supporter.site_id):
            lines = [(str(field.verbose_name), _display(row, field)) for field in fields]
            actions.append(
                {
                    "kind": str(model._meta.verbose_name),
                    "date": row.created_at,
                    "when": _display(row, model._meta.get_field("created_at")),
                    "fields": [(label, value) for label, value in lines if value],
                }
            )
    actions.sort(key=lambda action: action["date"])
    consents = ConsentRecord.objects.filter(supporter=supporter).order_by("created_at", "pk")
    return {
        "supporter": supporter,
        "since": _display(supporter, Supporter._meta.get_field("created_at")),
        "actions": actions,
        "consents": [
            {
                "when": _display(consent, ConsentRecord._meta.get_field("created_at")),
                "purpose": consent.get_purpose_display(),
                "granted": consent.granted,
                "wording": consent.wording,
            }
            for consent in consents
        ],
    }


# The machine-readable copy's format: its keys are documented in the README ("Your data").
MACHINE_COPY_FORMAT = "plaidoyer-data-copy/1"


def _raw(row, field):
    """A field's value for a program: stored codes (not labels), times in ISO 8601 UTC, relations by name."""
    value = getattr(row, field.name)
    if field.is_relation:
        return None if value is None else str(value)
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.astimezone(datetime.UTC)
    return value


def machine_copy_of(supporter):
    """The same data as `copy_of`, as a dict for JSON: every action with its stored values (a gift's
    amount in minor units, with its payments), every consent line, keys stable across languages."""
    from sections.models import SectionSettings

    actions = []
    for model in erasable_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if field.name not in INTERNAL_FIELDS
            and field.name not in ("created_at", "language")
            and not isinstance(field, models.UUIDField)
        ]
        for row in model._default_manager.filter(supporter=supporter, site_id=supporter.site_id):
            action = {
                "type": model._meta.label_lower,
                "label": str(model._meta.verbose_name),
                "created_at": _raw(row, model._meta.get_field("created_at")),
                "language": row.language,
                "fields": {field.name: _raw(row, field) for field in fields},
            }
            details = getattr(row, "machine_copy_details", None)
            if callable(details):  # what belongs to the action in another table (a gift's payments)
                action.update(details())
            actions.append(action)
    actions.sort(key=lambda action: action["created_at"])
    consents = ConsentRecord.objects.filter(supporter=supporter).order_by("created_at", "pk")
    section = SectionSettings.objects.filter(site_id=supporter.site_id).first()
    return {
        "format": MACHINE_COPY_FORMAT,
        "section": section.code if section else "",
        "made_at": timezone.now().astimezone(datetime.UTC),
        "person": {
            "email": supporter.email,
            "first_name": supporter.first_name,
            "last_name": supporter.last_name,
            "known_since": supporter.created_at.astimezone(datetime.UTC),
        },
        "actions": actions,
        "consents": [
            {
                "recorded_at": consent.created_at.astimezone(datetime.UTC),
                "purpose": consent.purpose,
                "purpose_label": str(consent.get_purpose_display()),
                "granted": consent.granted,
                "wording": consent.wording,
                "wording_version": consent.wording_version,
                "language": consent.language,
                "action": consent.action,
            }
            for consent in consents
        ],
    }


def take_copy(rights_request, machine_readable=False):
    """The copy for a usable access request, once: its text, or its JSON when `machine_readable`;
    None when the link was used meanwhile."""
    supporter = rights_request.supporter
    with transaction.atomic():
        if not _claim(rights_request):
            return None
        if machine_readable:
            text = json.dumps(machine_copy_of(supporter), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        else:
            text = render_to_string("supporters/rights/copy.txt", copy_of(supporter))
    logger.info(
        "data request done: section=%s kind=access request=%s", rights_request.site_id, rights_request.pk
    )
    return text


# --- The erasure ------------------------------------------------------------------------------
def erase_on_request(rights_request):
    """Erase the supporter of a usable erasure request, once, and email them that it is done.

    Returns the rows blanked, 0 when the person was already erased (another request, a data officer,
    at the same moment), None when the link was used meanwhile.
    """
    from sections.audit import log_erasure

    supporter = rights_request.supporter
    address, language, site = supporter.email, rights_request.language, rights_request.site
    with transaction.atomic():
        if (
            not RightsRequest.objects.select_for_update()
            .filter(pk=rights_request.pk, used_at__isnull=True)
            .exists()
        ):
            return None
        rows = erase_supporter(supporter)
        _claim(rights_request, rows=rows or 0)
        if rows is not None:
            log_erasure(None, supporter, rows)
            # The address is gone from the database once this commits: the email is sent from here,
            # not from a task that would have to keep it.
            transaction.on_commit(lambda: _send_erased(site, language, address, rows), robust=True)
    logger.info(
        "data request done: section=%s kind=erasure request=%s rows=%s", site.pk, rights_request.pk, rows
    )
    return rows or 0


def _send_erased(site, language, address, rows):
    _send(site, language, address, "erased", {"kind": RightsKind.ERASURE, "rows": rows})
