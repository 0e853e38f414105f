"""Recording an action: the supporter, the action, its consent lines and its count, or nothing for a repeat."""

import uuid

import pytest

from petitions.models import Signature, SignatureState
from supporters.actions import record_action
from supporters.models import ActionCount, ConsentPurpose, ConsentRecord, Supporter

pytestmark = pytest.mark.django_db

WORDING = "J'accepte que Plaidoyer France traite mes données pour cette pétition."
NEWSLETTER_WORDING = "Je souhaite recevoir des nouvelles des campagnes par email."


def act(site, email, petition_key, *, first_name="Jane", count=True, newsletter=False):
    """Jane signs the petition `petition_key` with `email`, as `record_signature` stores it.

    Returns (supporter id, signature id or None), as `record_action` leaves them on the signature.
    """
    signature = Signature(
        site=site,
        language="fr",
        petition_key=petition_key,
        first_name=first_name,
        last_name="Doe",
        country="France",
        state=SignatureState.CONFIRMED,
    )
    consents = ConsentRecord.asked(
        site, "fr", WORDING, newsletter_wording=NEWSLETTER_WORDING, newsletter=newsletter
    )
    recorded = record_action(
        signature,
        consents,
        email=email,
        first_name=first_name,
        last_name="Doe",
        count_key=petition_key if count else None,
    )
    assert recorded == (signature.pk is not None)
    return signature.supporter_id, signature.pk


def consent_lines():
    return sorted(
        ConsentRecord.objects.values_list(
            "supporter_id",
            "site_id",
            "purpose",
            "granted",
            "wording",
            "wording_version",
            "language",
            "action",
        )
    )


def test_a_first_action_stores_supporter_signature_consents_and_count(sections):
    site = sections["fr"].site
    key = uuid.uuid4()
    ActionCount.ensure(key)
    ActionCount.objects.filter(key=key).update(count=41)

    supporter_id, signature_id = act(site, " Jane.Doe@Gmail.com ", key)

    supporter = Supporter.objects.get()
    assert supporter.pk == supporter_id
    assert (supporter.site, supporter.email, supporter.canonical_email, supporter.first_name) == (
        site,
        "Jane.Doe@Gmail.com",
        "janedoe@gmail.com",
        "Jane",
    )
    signature = Signature.objects.get()
    assert signature.pk == signature_id
    assert (signature.supporter_id, signature.petition_key, signature.site, signature.language) == (
        supporter_id,
        key,
        site,
        "fr",
    )
    label = f"petitions.signature:{signature_id}"
    assert consent_lines() == [
        (
            supporter_id,
            site.pk,
            ConsentPurpose.NEWSLETTER,
            False,
            NEWSLETTER_WORDING,
            ConsentRecord.version_of(NEWSLETTER_WORDING),
            "fr",
            label,
        ),
        (
            supporter_id,
            site.pk,
            ConsentPurpose.PROCESSING,
            True,
            WORDING,
            ConsentRecord.version_of(WORDING),
            "fr",
            label,
        ),
    ]
    assert ActionCount.total_for(key) == 42


def test_the_same_person_again_writes_and_counts_nothing(sections):
    site = sections["fr"].site
    key = uuid.uuid4()
    supporter_id, signature_id = act(site, "Jane.Doe@gmail.com", key)
    lines = consent_lines()

    # Another case, other dots and a plus tag: the same mailbox.
    again = act(site, "janedoe+petition@GMAIL.com", key, first_name="J.", newsletter=True)

    assert again == (supporter_id, None)
    assert Supporter.objects.get().first_name == "Jane"
    assert list(Signature.objects.values_list("pk", flat=True)) == [signature_id]
    assert consent_lines() == lines
    assert ActionCount.total_for(key) == 1


def test_a_known_supporter_signing_another_petition_is_recorded_and_counted(sections):
    site = sections["fr"].site
    first, second = uuid.uuid4(), uuid.uuid4()
    supporter_id, _signature_id = act(site, "jane.doe@gmail.com", first)

    again_supporter_id, signature_id = act(site, "JaneDoe@gmail.com", second)

    assert again_supporter_id == supporter_id and signature_id is not None
    assert Supporter.objects.count() == 1
    assert Signature.objects.get(pk=signature_id).supporter_id == supporter_id
    assert set(
        ConsentRecord.objects.filter(action=f"petitions.signature:{signature_id}").values_list(
            "supporter_id", flat=True
        )
    ) == {supporter_id}
    assert (ActionCount.total_for(first), ActionCount.total_for(second)) == (1, 1)


def test_a_missing_count_is_created_at_one(sections):
    key = uuid.uuid4()
    assert not ActionCount.objects.filter(key=key).exists()
    act(sections["fr"].site, "jane@example.org", key)
    assert ActionCount.objects.get(key=key).count == 1


def test_without_a_count_key_nothing_is_counted(sections):
    key = uuid.uuid4()
    supporter_id, signature_id = act(sections["fr"].site, "jane@example.org", key, count=False)
    assert supporter_id is not None and signature_id is not None
    assert Signature.objects.count() == 1 and ConsentRecord.objects.count() == 2
    assert not ActionCount.objects.exists()
