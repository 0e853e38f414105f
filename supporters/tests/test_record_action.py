"""Recording an action: the supporter, the action, its consent lines and its count, or nothing for a repeat."""

import uuid
from unittest import mock

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

# The donation tests' fixtures: localstripe on loopback, the sections' Stripe keys, the donation pages.
from donations.tests.conftest import donation_pages, localstripe, stripe_env, stripe_keys  # noqa: F401
from petitions.models import Signature, SignatureState
from supporters.actions import record_action
from supporters.encryption import email_hash
from supporters.models import ActionCount, ConsentPurpose, ConsentRecord, Supporter
from supporters.tests.helpers import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["one statement", "ORM steps"])
def path(request, monkeypatch):
    """Each test runs on PostgreSQL's one statement and on the ORM's steps (SQLite's): the same rows."""
    if request.param == "ORM steps":
        monkeypatch.setattr("supporters.actions.ONE_STATEMENT_VENDOR", None)
    return request.param


WORDING = "J'accepte que Plaidoyer France traite mes données pour cette pétition."
NEWSLETTER_WORDING = "Je souhaite recevoir des nouvelles des campagnes par email."


def act(site, email, petition_key, *, first_name="Jane", count=True, newsletter=False, then=None):
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
        then=then,
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
    assert (supporter.site, supporter.email, supporter.email_hash, supporter.first_name) == (
        site,
        "Jane.Doe@Gmail.com",
        email_hash(site.pk, "janedoe@gmail.com"),
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


def recorded_by_the_kernel(target):
    """Patch `record_action` where an app imports it, still recording, to see that the app calls it."""
    return mock.patch(target, wraps=record_action)


NOTED = []


@task()
def note_action(action_id, kind):
    """What `then` enqueues in these tests: notes the action's id and the kind of email it stands for."""
    NOTED.append((action_id, kind))


@pytest.mark.parametrize("backend", ["immediate", "database"])
def test_the_task_given_as_then_goes_with_the_action_once_never_for_a_repeat_nor_a_rollback(
    sections, settings, backend
):
    settings.TASKS = {
        "default": {
            "BACKEND": {
                "immediate": "django_tasks.backends.immediate.ImmediateBackend",
                "database": "django_tasks_db.DatabaseBackend",
            }[backend],
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    NOTED.clear()
    site, key = sections["fr"].site, uuid.uuid4()
    _supporter, first = act(site, "jane@example.org", key, count=False, then=(note_action, "confirm"))
    _supporter, again = act(site, "Jane@Example.org ", key, count=False, then=(note_action, "confirm"))
    assert first is not None and again is None
    # A caller's transaction that fails takes back the action and its task (the database backend's row;
    # the immediate backend has already run it).
    with pytest.raises(RuntimeError), transaction.atomic():
        act(site, "rollback@example.org", key, count=False, then=(note_action, "confirm"))
        raise RuntimeError
    assert Signature.objects.count() == 1

    if backend == "database":
        rows = DBTaskResult.objects.filter(task_path=note_action.module_path)
        assert [row.args_kwargs for row in rows] == [{"args": [first, "confirm"], "kwargs": {}}]
        assert NOTED == []
        run_worker()
        assert rows.get().status == "SUCCESSFUL"
        assert NOTED == [(first, "confirm")]  # once: not for the repeat, not for the rollback
    else:
        # The immediate backend runs a task as it is enqueued: for the first action, then the one rolled back.
        assert NOTED[0] == (first, "confirm") and len(NOTED) == 2


def test_petitions_letters_donations_and_joins_all_record_through_the_kernels_one_function(
    client,
    sections,
    stripe_env,  # noqa: F811 (the donation tests' fixtures, imported above)
    donation_pages,  # noqa: F811
    localstripe,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from donations.models import Donation
    from donations.tests.conftest import card_payment_method, donate
    from membership.models import JoinPage, Membership
    from membership.tests.helpers import join
    from petitions.letters.models import Letter
    from petitions.letters.tests.helpers import generate, make_action
    from petitions.tests.conftest import form_data, host_of, make_petition, sign_path
    from sections.models import SectionSettings
    from supporters.tests.helpers import solution

    def stored(action, email, purposes):
        """The action's supporter, found by canonical email, and the purposes of its consent lines."""
        supporter = Supporter.with_email(action.site_id, email).get()
        assert action.supporter_id == supporter.pk
        label = f"{action._meta.label_lower}:{action.pk}"
        lines = ConsentRecord.objects.filter(action=label)
        assert sorted(lines.values_list("purpose", flat=True)) == sorted(purposes)
        assert set(lines.values_list("supporter_id", "site_id")) == {(supporter.pk, action.site_id)}

    with django_capture_on_commit_callbacks(execute=True):
        petition = make_petition(sections["fr"].home)
        letter_action = make_action(sections["ch"].home)
        join_page = JoinPage(title="Nous rejoindre", slug="nous-rejoindre", intro="Rejoignez-nous.")
        sections["tg"].home.add_child(instance=join_page)
        join_page.save_revision().publish()
        fr = SectionSettings.for_site(sections["fr"].site)
        fr.double_opt_in = False
        fr.save()

    # A petition signed where there is no double opt-in: counted at once, by the kernel.
    with recorded_by_the_kernel("petitions.signatures.record_action") as kernel:
        data = form_data(petition, fr, email="Anna.Muster@Example.org", newsletter="on")
        data["captcha"] = solution(host_of(petition), client)
        response = client.post(sign_path(petition), data, HTTP_HOST=host_of(petition))
    assert response.status_code == 303
    kernel.assert_called_once()
    signature = Signature.objects.get()
    # Petitions and letters also ask for news of the action (petitions.outcomes): the choice is a line too.
    stored(
        signature,
        "anna.muster@example.org",
        [ConsentPurpose.PROCESSING, ConsentPurpose.NEWSLETTER, ConsentPurpose.ACTION_NEWS],
    )
    assert ActionCount.total_for(petition.translation_key) == 1

    # A letter with an email: its writer becomes a supporter; it counts only once posted.
    with recorded_by_the_kernel("petitions.letters.views.record_action") as kernel:
        response = generate(client, letter_action, email="anne-sophie@example.ch")
    assert response.status_code == 200
    kernel.assert_called_once()
    letter = Letter.objects.get()
    # Petitions and letters also ask for news of the action (petitions.outcomes): the choice is a line too.
    stored(
        letter,
        "anne-sophie@example.ch",
        [ConsentPurpose.PROCESSING, ConsentPurpose.NEWSLETTER, ConsentPurpose.ACTION_NEWS],
    )
    assert ActionCount.total_for(letter_action.translation_key) == 0

    # A gift: recorded before Stripe is asked for the payment.
    with recorded_by_the_kernel("donations.views.record_action") as kernel:
        response = donate(client, "ch", payment_method=card_payment_method(localstripe, "4242424242424242"))
    assert response.status_code == 200
    kernel.assert_called_once()
    donation = Donation.objects.get()
    stored(donation, "veranika@example.org", [ConsentPurpose.PROCESSING, ConsentPurpose.NEWSLETTER])
    assert donation.stripe_payment_intent_id

    # A join: pending until confirmed, so not counted yet.
    with recorded_by_the_kernel("membership.joining.record_action") as kernel:
        response = join(client, join_page, email="Afi@Example.org")
    assert response.status_code == 303
    kernel.assert_called_once()
    membership = Membership.objects.get()
    stored(membership, "afi@example.org", [ConsentPurpose.PROCESSING, ConsentPurpose.NEWSLETTER])
    assert ActionCount.total_for(join_page.translation_key) == 0
