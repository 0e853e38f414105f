"""Section staff see their own section's signatures only: list, search, filter, inspect, export, counts, delivery."""

import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from openpyxl import load_workbook

from petitions.models import Signature
from sections.models import SectionStaffGroup
from supporters.models import ActionCount

from .conftest import make_petition

pytestmark = pytest.mark.django_db

PERMISSIONS = ["access_admin", "view_signature", "adjust_petition_count"]


def staff_of(site, username):
    group = Group.objects.create(name=f"Staff {username}")
    group.permissions.set(Permission.objects.filter(codename__in=PERMISSIONS))
    SectionStaffGroup.objects.create(group=group, site=site)
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def two_sections(sections, sign):
    for code in ("fr", "ch"):
        sections[code].settings.double_opt_in = False
        sections[code].settings.save()
    fr_petition = make_petition(sections["fr"].home, slug="dissidents")
    ch_petition = make_petition(sections["ch"].home, slug="maria", title="Libérez Maria Kolesnikova")
    sign(fr_petition, first_name="Françoise", last_name="Paris", email="francoise@example.org")
    sign(ch_petition, first_name="Ueli", last_name="Bern", email="ueli@example.org", country="Suisse")
    return {
        "fr": fr_petition,
        "ch": ch_petition,
        "fr_staff": staff_of(sections["fr"].site, "fr-staff"),
        "ch_staff": staff_of(sections["ch"].site, "ch-staff"),
        "fr_signature": Signature.objects.get(site=sections["fr"].site),
        "ch_signature": Signature.objects.get(site=sections["ch"].site),
    }


def test_the_list_shows_only_the_own_sections_signatures(client, two_sections):
    client.force_login(two_sections["fr_staff"])
    response = client.get("/admin/signatures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "francoise@example.org" in html
    assert "ueli@example.org" not in html and "Bern" not in html


def test_search_and_filter_never_reach_another_section(client, two_sections):
    client.force_login(two_sections["fr_staff"])
    assert "ueli@example.org" not in client.get("/admin/signatures/?q=ueli").content.decode()
    key = two_sections["ch"].translation_key
    filtered = client.get(f"/admin/signatures/?petition_key={key}").content.decode()
    assert "ueli@example.org" not in filtered
    assert "Libérez Maria Kolesnikova" not in filtered
    assert "Ueli" not in client.get("/admin/signatures/?q=ueli@example.org").content.decode()
    # Search finds the own section's signer by exact email (the address is stored encrypted).
    assert (
        "francoise@example.org" in client.get("/admin/signatures/?q=Francoise@Example.org").content.decode()
    )


def test_inspect_of_another_sections_signature_is_not_found(client, two_sections):
    client.force_login(two_sections["fr_staff"])
    own = client.get(f"/admin/signatures/inspect/{two_sections['fr_signature'].pk}/")
    assert own.status_code == 200
    assert "francoise@example.org" in own.content.decode()
    other = client.get(f"/admin/signatures/inspect/{two_sections['ch_signature'].pk}/")
    assert other.status_code == 404
    assert "ueli@example.org" not in other.content.decode()


def test_csv_and_xlsx_exports_hold_only_the_own_section(client, two_sections):
    client.force_login(two_sections["ch_staff"])
    csv_response = client.get("/admin/signatures/?export=csv")
    assert csv_response.status_code == 200
    csv_text = b"".join(csv_response.streaming_content).decode()
    assert "ueli@example.org" in csv_text
    assert "francoise@example.org" not in csv_text
    xlsx_response = client.get("/admin/signatures/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert "ueli@example.org" in cells
    assert "francoise@example.org" not in cells


def test_export_with_a_filter_for_another_sections_petition_leaks_nothing(client, two_sections):
    client.force_login(two_sections["ch_staff"])
    key = two_sections["fr"].translation_key
    csv_text = b"".join(
        client.get(f"/admin/signatures/?export=csv&petition_key={key}").streaming_content
    ).decode()
    assert "francoise@example.org" not in csv_text


def test_a_user_without_a_section_sees_no_signature(client, two_sections):
    group = Group.objects.create(name="Editors without section")
    group.permissions.set(Permission.objects.filter(codename__in=PERMISSIONS))
    user = User.objects.create_user("editor", password="pw")
    user.groups.add(group)
    client.force_login(user)
    html = client.get("/admin/signatures/").content.decode()
    assert "example.org" not in html
    csv_text = b"".join(client.get("/admin/signatures/?export=csv").streaming_content).decode()
    assert "example.org" not in csv_text


def test_a_superuser_sees_every_section(client, two_sections):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    html = client.get("/admin/signatures/").content.decode()
    assert "francoise@example.org" in html and "ueli@example.org" in html


def test_signatures_cannot_be_edited_or_deleted_in_the_admin(client, two_sections):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    pk = two_sections["fr_signature"].pk
    # No such views: the admin's not-found answer (LocaleMiddleware redirects it to a 404 page).
    assert client.get(f"/admin/signatures/edit/{pk}/", follow=True).status_code == 404
    assert client.post(f"/admin/signatures/delete/{pk}/", follow=True).status_code == 404
    assert Signature.objects.filter(pk=pk).exists()


def test_counts_delivery_and_offset_of_another_section_are_not_found(client, two_sections):
    client.force_login(two_sections["fr_staff"])
    counts = client.get("/admin/petition-counts/").content.decode()
    assert "Liberté pour les dissident·e·s bélarussiens" in counts
    assert "Libérez Maria Kolesnikova" not in counts
    ch_id = two_sections["ch"].pk
    assert client.get(f"/admin/petition-counts/{ch_id}/delivery/?names=1").status_code == 404
    assert client.get(f"/admin/petition-counts/{ch_id}/offset/").status_code == 404
    response = client.post(
        f"/admin/petition-counts/{ch_id}/offset/", {"offset": 500, "reason": "x", "seen": 0}
    )
    assert response.status_code == 404
    assert ActionCount.objects.get(key=two_sections["ch"].translation_key).offset == 0
    own = client.get(f"/admin/petition-counts/{two_sections['fr'].pk}/delivery/?names=1")
    assert own.status_code == 200
    assert "Françoise Paris" in own.content.decode()
