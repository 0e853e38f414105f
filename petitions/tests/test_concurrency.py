"""Concurrent signings and confirmations against PostgreSQL, in real threads: counts stay exact."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from petitions.batches import print_batch
from petitions.models import Signature, SignatureState
from petitions.signatures import confirmation_token
from sections.models import SectionSettings
from supporters.models import ActionCount, ActionCountAdjustment
from supporters.tests.helpers import run_concurrently, solution

from .conftest import form_data, host_of, make_petition, page_path

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16


def signing_job(petition, data, ip):
    def job():
        client = Client()
        response = client.post(page_path(petition), data, HTTP_HOST=host_of(petition), REMOTE_ADDR=ip)
        return response.status_code

    return job


@pytest.fixture
def instant_petition(sections):
    """A petition of a section without double opt-in: each signature counts at once."""
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    return make_petition(sections["fr"].home)


def test_a_thousand_addresses_signing_at_once_count_exactly_a_thousand(instant_petition):
    settings = SectionSettings.for_site(instant_petition.get_site())
    jobs = [
        signing_job(
            instant_petition,
            form_data(
                instant_petition,
                settings,
                email=f"signer{number}@example.org",
                captcha=solution(host_of(instant_petition)),
            ),
            f"10.0.{number // 250}.{number % 250 + 1}",
        )
        for number in range(1000)
    ]
    statuses = run_concurrently(jobs, THREADS)
    assert statuses == [303] * 1000
    assert Signature.objects.filter(state=SignatureState.CONFIRMED).count() == 1000
    assert ActionCount.total_for(instant_petition.translation_key) == 1000


def test_one_address_signing_many_times_at_once_counts_once(instant_petition):
    settings = SectionSettings.for_site(instant_petition.get_site())
    variants = [
        "same.person@gmail.com",
        "Same.Person@gmail.com",
        "sameperson+x@gmail.com",
        " SAMEPERSON@googlemail.com",
    ]
    jobs = [
        signing_job(
            instant_petition,
            form_data(
                instant_petition,
                settings,
                email=variants[number % len(variants)],
                captcha=solution(host_of(instant_petition)),
            ),
            f"10.1.{number // 250}.{number % 250 + 1}",
        )
        for number in range(200)
    ]
    statuses = run_concurrently(jobs, THREADS)
    # Every attempt sees the same answer; one signature, one count.
    assert statuses == [303] * 200
    assert Signature.objects.count() == 1
    assert ActionCount.total_for(instant_petition.translation_key) == 1


def test_a_confirmation_button_pressed_many_times_at_once_counts_once(sections):
    petition = make_petition(sections["fr"].home)
    settings = SectionSettings.for_site(petition.get_site())
    Client().post(page_path(petition), form_data(petition, settings), HTTP_HOST=host_of(petition))
    signature = Signature.objects.get()
    path = f"/fr/petitions/confirm/{confirmation_token(signature.pk)}/"

    def click():
        return Client().post(path, HTTP_HOST=host_of(petition)).status_code

    statuses = run_concurrently([click] * 64, THREADS)
    assert statuses == [200] * 64
    assert ActionCount.total_for(petition.translation_key) == 1
    signature.refresh_from_db()
    assert signature.state == SignatureState.CONFIRMED


def test_one_paper_batch_entered_from_many_screens_at_once_counts_once(sections):
    petition = make_petition(sections["ch"].home, slug="kalesnikava")
    officer = User.objects.create_user("ch-officer")
    officer.groups.add(Group.objects.get(name="ch data-officers"))
    batch, _pdf = print_batch(petition, sections["ch"].site, 2, officer)

    def entering():
        client = Client()
        client.force_login(officer)
        return client.post(f"/admin/petition-counts/batches/{batch.pk}/", {"signatures": 12}).status_code

    statuses = run_concurrently([entering] * THREADS, THREADS)
    assert sorted(statuses) == [200] * (THREADS - 1) + [302]  # one entry, every other one refused
    assert ActionCount.total_for(petition.translation_key) == 12
    assert ActionCountAdjustment.objects.filter(count_id=petition.translation_key).count() == 1
