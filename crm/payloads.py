"""The JSON body of an event, shaped like OSDI's person and signature records, with only consented fields.

Built when the event is sent, from the rows as they are then: an event of a supporter erased since
carries their identifier and nothing else. What is sent about the person:
- always `identifiers` ("plaidoyer:<section>:supporter:<id>"), so the CRM can match later events
  (an erasure names only this);
- names and town, postal code and country given with an action, if that action recorded a granted
  processing consent;
- the email address (status "subscribed") only while the supporter's latest newsletter choice is
  a yes: a CRM is where newsletters are sent from.
Phone numbers, street addresses, age brackets, letter and message texts and IP hashes are never sent.
"""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder

from sections.models import SectionSettings
from supporters.models import ConsentPurpose, ConsentRecord, Supporter

from .models import EventKind

# The action's own fields that go to the person record (OSDI names).
PERSON_FIELDS = {"first_name": "given_name", "last_name": "family_name"}
ADDRESS_FIELDS = {"town": "locality", "city": "locality", "postal_code": "postal_code", "country": "country"}
# What the action record carries besides dates: nothing that identifies the person.
ACTION_FIELDS = ("state", "status", "way", "frequency", "amount", "currency", "designation", "language")
# What the action was taken on (a petition's, join page's translation group, a letter action, a donation page).
TARGET_FIELDS = ("petition_key", "join_page_key", "action_id", "page_id")
ACTION_TYPES = {
    "petitions.signature": "signature",
    "letters.letter": "letter",
    "letters.solidaritymessage": "message",
    "donations.donation": "donation",
    "membership.membership": "membership",
}


def body(event):
    """The event's JSON body, as bytes (what is signed and sent)."""
    return json.dumps(document(event), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode()


def document(event):
    code = SectionSettings.objects.filter(site_id=event.site_id).values_list("code", flat=True).first() or ""
    supporter = Supporter.objects.filter(pk=event.supporter_id).first()
    person = {"identifiers": [f"plaidoyer:{code}:supporter:{event.supporter_id}"]}
    result = {
        "id": str(event.event_id),
        "type": event.kind,
        "occurred_at": event.occurred_at,
        "section": code,
        "person": person,
    }
    if event.kind == EventKind.ERASURE or supporter is None or supporter.erased_at:
        return result
    row = action_row(event.action)
    consents = ConsentRecord.objects.filter(supporter_id=supporter.pk, action=event.action)
    if newsletter_granted(supporter):
        person["email_addresses"] = [{"address": supporter.email, "primary": True, "status": "subscribed"}]
    if row is not None and any(c.purpose == ConsentPurpose.PROCESSING and c.granted for c in consents):
        person.update(personal_fields(row))
    if event.kind == EventKind.CONSENT:
        result["consents"] = [
            {
                "purpose": consent.purpose,
                "granted": consent.granted,
                "wording_version": consent.wording_version,
                "language": consent.language,
                "recorded_at": consent.created_at,
            }
            for consent in consents
        ]
    if row is not None:
        result["action"] = action_record(code, event.action, row)
    return result


def action_row(label):
    """The action row named "app_label.model:pk", or None (gone, or a label of no known model)."""
    model_label, _, pk = label.rpartition(":")
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
    return model._default_manager.filter(pk=pk).first()


def newsletter_granted(supporter):
    latest = (
        ConsentRecord.objects.filter(supporter_id=supporter.pk, purpose=ConsentPurpose.NEWSLETTER)
        .order_by("-created_at", "-pk")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(latest)


def personal_fields(row):
    """The person's names and postal details given with this action (blank ones left out)."""
    fields = {}
    for name, osdi in PERSON_FIELDS.items():
        if name in row.personal_fields and getattr(row, name, ""):
            fields[osdi] = getattr(row, name)
    address = {
        osdi: getattr(row, name)
        for name, osdi in ADDRESS_FIELDS.items()
        if name in row.personal_fields and getattr(row, name, "")
    }
    if address:
        fields["postal_addresses"] = [{"primary": True, **address}]
    if getattr(row, "language", ""):
        fields["languages_spoken"] = [row.language]
    return fields


def action_record(code, label, row):
    """The action as an OSDI-like record: its type, identifiers, dates, state and what it was taken on."""
    model_label = label.rpartition(":")[0]
    record = {
        "identifiers": [f"plaidoyer:{code}:{label}"],
        "action_type": ACTION_TYPES.get(model_label, model_label),
        "created_date": row.created_at,
    }
    if getattr(row, "confirmed_at", None):
        record["confirmed_date"] = row.confirmed_at
    for name in ACTION_FIELDS:
        value = getattr(row, name, None)
        if value not in (None, ""):
            record[name] = value
    for name in TARGET_FIELDS:
        value = getattr(row, name, None)
        if value not in (None, ""):
            record["target"] = {"identifiers": [f"plaidoyer:{name.removesuffix('_id')}:{value}"]}
            break
    # A signature made in a partner site's frame (petitions.embeds): OSDI's referrer, the partner's address.
    if getattr(row, "partner", ""):
        record["referrer_data"] = {"website": row.partner}
    return record
