"""Counts: goal and next milestone, audited offline offset, reconciliation with the rows."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import ProtectedError

from petitions.models import Signature, SignatureState
from supporters.models import ActionCount, ActionCountAdjustment
from supporters.tests.helpers import email_hashes

from .conftest import host_of, make_petition, page_path, t_numbers, text_of

pytestmark = pytest.mark.django_db


def set_count(petition, count, offset=0):
    ActionCount.ensure(petition.translation_key)
    ActionCount.objects.filter(key=petition.translation_key).update(count=count, offset=offset)


def test_the_goal_is_shown_until_reached_then_the_next_milestone(client, sections):
    petition = make_petition(sections["fr"].home, goal=1000)
    set_count(petition, 999)
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert 'max="1000" value="999"' in response.content.decode()
    assert t_numbers("Goal: %(goal)s signatures.", goal=1000) in text_of(response)
    set_count(petition, 1500)
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert 'max="2000" value="1500"' in response.content.decode()
    assert t_numbers(
        "Goal of %(goal)s reached! Next milestone: %(target)s.", goal=1000, target=2000
    ) in text_of(response)


def test_staff_set_an_audited_offset_for_paper_signatures(client, sections):
    petition = make_petition(sections["fr"].home)
    set_count(petition, 12)
    admin = User.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    response = client.post(
        f"/admin/petition-counts/{petition.pk}/offset/",
        {"offset": 300, "reason": "Feuilles papier du stand du 10 décembre", "seen": 0},
    )
    assert response.status_code == 302
    assert ActionCount.total_for(petition.translation_key) == 312
    adjustment = ActionCountAdjustment.objects.get()
    assert (adjustment.previous_offset, adjustment.new_offset) == (0, 300)
    assert adjustment.changed_by == admin
    assert adjustment.reason == "Feuilles papier du stand du 10 décembre"
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert 'value="312"' in page.content.decode()
    history = client.get(f"/admin/petition-counts/{petition.pk}/offset/").content.decode()
    assert "Feuilles papier du stand du 10 décembre" in history


def test_an_offset_needs_a_reason(client, sections):
    petition = make_petition(sections["fr"].home)
    client.force_login(User.objects.create_superuser("root", password="pw"))
    response = client.post(
        f"/admin/petition-counts/{petition.pk}/offset/", {"offset": 300, "reason": "", "seen": 0}
    )
    assert response.status_code == 200
    assert ActionCount.total_for(petition.translation_key) == 0
    assert ActionCountAdjustment.objects.count() == 0


def test_reconcile_counts_sets_stored_counts_to_the_confirmed_rows(sections, sign, capsys):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    petition = make_petition(sections["fr"].home)
    for number in range(3):
        sign(petition, email=f"p{number}@example.org")
    Signature.objects.filter(supporter__email_hash__in=email_hashes("p2@example.org")).update(
        state=SignatureState.PENDING
    )
    ActionCount.objects.filter(key=petition.translation_key).update(count=7, offset=5)
    call_command("reconcile_counts")
    out = capsys.readouterr().out
    assert "corrected by -5" in out
    row = ActionCount.objects.get(key=petition.translation_key)
    assert (row.count, row.offset) == (2, 5)
    call_command("reconcile_counts")
    assert "0 corrected" in capsys.readouterr().out


def test_deleting_a_signed_petition_keeps_its_signatures_and_count(sections, sign):
    """Signatures refer to their page and section without a database constraint: Django keeps them right."""
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    petition = make_petition(sections["fr"].home)
    assert sign(petition).status_code == 303
    key = petition.translation_key
    petition.delete()
    signature = Signature.objects.get()
    assert signature.petition_id is None and signature.petition_key == key
    assert ActionCount.total_for(key) == 1


def test_a_section_with_signatures_cannot_be_deleted(sections, sign):
    petition = make_petition(sections["fr"].home)
    sign(petition)
    site = sections["fr"].site
    with pytest.raises(ProtectedError):
        site.delete()
    assert Signature.objects.filter(site=site).count() == 1
