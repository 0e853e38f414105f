"""Every inspect, export and erasure of supporters' data is in Wagtail's audit log, and a section's data
officers read their own section's entries (who, when, what, which filter, how many rows) in Reports → Data
access. Data officers erase a supporter from the admin: a page that says what goes, then one button."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from wagtail.models import ModelLogEntry

from petitions.models import Signature, SignatureState
from petitions.tests.conftest import make_petition
from sections.audit import ERASE, EXPORT, INSPECT
from supporters.models import Supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(sections):
    rows = {}
    for code, (first, last) in {"ch": ("Ueli", "Tschanz"), "fr": ("Jeanne", "Kervella")}.items():
        section = sections[code]
        petition = make_petition(section.home, slug=f"petition-{code}")
        for number in range(3 if code == "ch" else 1):
            supporter = Supporter.for_email(section.site, f"{first}{number}@example.org", first, last)
            rows.setdefault(code, []).append(
                Signature.objects.create(
                    site=section.site,
                    supporter=supporter,
                    language="fr",
                    petition_key=petition.translation_key,
                    petition=petition,
                    first_name=first,
                    last_name=last,
                    country="Suisse",
                    state=SignatureState.CONFIRMED,
                )
            )
    return rows


def data_officer(sections, code):
    user = User.objects.create_user(f"{code}-officer", password="pw")
    user.groups.set([sections[code].groups["data-officer"]])
    return user


def test_opening_a_supporters_record_is_logged_without_their_name(client, sections, signatures):
    officer = data_officer(sections, "ch")
    client.force_login(officer)
    row = signatures["ch"][0]
    assert client.get(reverse("signatures:inspect", args=[row.pk])).status_code == 200
    entry = ModelLogEntry.objects.get(action=INSPECT)
    assert entry.user == officer
    assert entry.object_id == str(row.pk)
    assert entry.data == {"section": sections["ch"].site.pk, "model": "petitions.signature", "rows": 1}
    assert "Tschanz" not in entry.label and "Ueli" not in entry.label


def test_an_export_is_logged_with_its_filter_and_row_count(client, sections, signatures):
    officer = data_officer(sections, "ch")
    client.force_login(officer)
    response = client.get(reverse("signatures:index") + "?q=Ueli1@example.org&export=csv")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = ModelLogEntry.objects.get(action=EXPORT)
    assert entry.user == officer
    assert entry.data["section"] == sections["ch"].site.pk
    assert entry.data["rows"] == 1  # the search finds a supporter by exact email
    assert entry.data["filters"] == {"q": "(email address)"}  # never the address searched
    assert entry.data["format"] == "csv"


def test_each_sections_data_officers_read_only_their_own_sections_entries(client, sections, signatures):
    swiss, french = data_officer(sections, "ch"), data_officer(sections, "fr")
    client.force_login(swiss)
    client.get(reverse("signatures:inspect", args=[signatures["ch"][0].pk]))
    client.get(reverse("signatures:index") + "?export=xlsx")
    page = client.get(reverse("sections_data_access"))
    assert page.status_code == 200
    assert [row["entry"].action for row in page.context["rows"]] == [EXPORT, INSPECT]
    assert "ch-officer" in page.content.decode()

    client.force_login(french)
    page = client.get(reverse("sections_data_access"))
    assert page.context["rows"] == []
    assert "ch-officer" not in page.content.decode()


def test_an_editor_has_no_data_access_report(client, sections):
    editor = User.objects.create_user("ch-editor-x", password="pw")
    editor.groups.set([sections["ch"].groups["editor"]])
    client.force_login(editor)
    assert client.get(reverse("sections_data_access")).status_code != 200


def test_a_data_officer_erases_a_supporter_from_the_admin_and_it_is_logged(client, sections, signatures):
    officer = data_officer(sections, "ch")
    client.force_login(officer)
    row = signatures["ch"][0]
    inspect = client.get(reverse("signatures:inspect", args=[row.pk])).content.decode()
    erase_url = reverse("signatures:erase", args=[row.pk])
    assert erase_url in inspect

    confirmation = client.get(erase_url)
    assert confirmation.status_code == 200
    assert confirmation.context["supporter"] == row.supporter
    assert [(str(action["label"]), action["count"]) for action in confirmation.context["actions"]] == [
        ("signatures", 1)
    ]
    assert 'method="post"' in confirmation.content.decode()
    row.refresh_from_db()
    assert row.first_name == "Ueli", "opening the confirmation page erases nothing"

    response = client.post(erase_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("signatures:index")
    assert "lignes vidées : 1" in response.content.decode()  # the admin speaks French by default
    row.refresh_from_db()
    row.supporter.refresh_from_db()
    assert (row.first_name, row.last_name, row.supporter.email) == ("", "", "")
    assert row.supporter.erased_at is not None
    assert row.state == SignatureState.CONFIRMED, "the signature still counts"
    assert Supporter.objects.get(pk=signatures["ch"][1].supporter_id).first_name == "Ueli", "only that one"

    entry = ModelLogEntry.objects.get(action=ERASE)
    assert entry.user == officer
    assert entry.data == {"section": sections["ch"].site.pk, "model": "supporters.supporter", "rows": 1}
    assert "Ueli" not in entry.label and "Tschanz" not in entry.label
    report = client.get(reverse("sections_data_access"))
    assert ERASE in [line["entry"].action for line in report.context["rows"]]


def test_another_sections_officer_and_an_editor_cannot_erase(client, sections, signatures):
    row = signatures["ch"][0]
    erase_url = reverse("signatures:erase", args=[row.pk])
    editor = User.objects.create_user("ch-editor-y", password="pw")
    editor.groups.set([sections["ch"].groups["editor"]])
    for user in (data_officer(sections, "fr"), editor):
        client.force_login(user)
        assert client.get(erase_url).status_code in (403, 404)
        assert client.post(erase_url).status_code in (403, 404)
    row.refresh_from_db()
    assert row.first_name == "Ueli"
    assert not ModelLogEntry.objects.filter(action=ERASE).exists()
