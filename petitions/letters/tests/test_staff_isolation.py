"""Staff see, search, inspect, export and moderate their own section's letters and messages only."""

import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from petitions.letters.models import Letter, MessageStatus, SolidarityMessage
from supporters.models import Supporter

from .helpers import make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(sections, action):
    fr_action = make_action(sections["fr"].home, slug="lettre-france", title="Lettre de France")
    ch, fr = sections["ch"].site, sections["fr"].site
    letters = {
        "ch": Letter.objects.create(
            site=ch,
            supporter=Supporter.for_email(ch, "ueli@example.ch", "Ueli", "Suisse"),
            action=action,
            language="fr",
            first_name="Ueli",
            last_name="Suisse",
            town="Berne",
            country="Suisse",
            letter_language="fr",
        ),
        "fr": Letter.objects.create(
            site=fr,
            supporter=Supporter.for_email(fr, "jeanne@example.fr", "Jeanne", "Française"),
            action=fr_action,
            language="fr",
            first_name="Jeanne",
            last_name="Française",
            town="Lyon",
            country="France",
            letter_language="ru",
        ),
    }
    messages = {
        "ch": SolidarityMessage.objects.create(
            site=ch,
            action=action,
            language="fr",
            author_name="Ueli",
            text="Message suisse",
            status="approved",
        ),
        "fr": SolidarityMessage.objects.create(
            site=fr,
            action=fr_action,
            language="fr",
            author_name="Jeanne",
            text="Message français",
            status="approved",
        ),
    }
    return {"letters": letters, "messages": messages, "fr_action": fr_action}


@pytest.fixture
def ch_staff(client, staff_factory, sections):
    client.force_login(staff_factory(sections["ch"], "ch-staff"))
    return client


def get(client, name, *args, query="", follow=False):
    return client.get(reverse(name, args=args) + query, follow=follow)


def test_letter_list_and_search_show_own_section_only(ch_staff, rows):
    content = get(ch_staff, "letters_letter:index").content.decode()
    assert "Ueli Suisse" in content and "Jeanne" not in content
    # The search finds a writer by exact email (names and towns are stored encrypted).
    found = get(ch_staff, "letters_letter:index", query="?q=jeanne@example.fr").content.decode()
    assert "Française" not in found and "Lyon" not in found
    assert "Berne" in get(ch_staff, "letters_letter:index", query="?q=Ueli@Example.ch").content.decode()
    # The action filter offers only the section's own actions.
    assert "Lettre de France" not in content


def test_another_sections_letter_cannot_be_inspected(ch_staff, rows):
    own = get(ch_staff, "letters_letter:inspect", rows["letters"]["ch"].pk)
    assert own.status_code == 200 and "Berne" in own.content.decode()
    other = get(ch_staff, "letters_letter:inspect", rows["letters"]["fr"].pk, follow=True)
    assert other.status_code == 404
    assert "Lyon" not in other.content.decode()


def test_a_swiss_staff_member_gets_404_for_a_french_letters_or_messages_edit_url(ch_staff, rows):
    for name, kind in (("letters_letter", "letters"), ("letters_solidaritymessage", "messages")):
        pk = rows[kind]["fr"].pk
        for url in (f"/admin/{name}/edit/{pk}/", f"/admin/{name}/inspect/{pk}/"):
            response = ch_staff.get(url)
            assert response.status_code == 404, url
            assert "Jeanne" not in response.content.decode()


@pytest.mark.parametrize("view", ["letters_letter", "letters_solidaritymessage"])
def test_exports_contain_own_section_only(ch_staff, rows, view):
    csv = get(ch_staff, f"{view}:index", query="?export=csv")
    text = b"".join(csv.streaming_content).decode()
    assert "Ueli" in text and "Jeanne" not in text
    xlsx = get(ch_staff, f"{view}:index", query="?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "Ueli" in values and "Jeanne" not in values


def test_exported_formulas_are_neutralised(ch_staff, rows):
    letter = rows["letters"]["ch"]
    letter.town, letter.country = '=HYPERLINK("http://evil")', "@SUM(1)"
    letter.save(update_fields=["town", "country"])
    text = b"".join(get(ch_staff, "letters_letter:index", query="?export=csv").streaming_content).decode()
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    sheet = load_workbook(
        io.BytesIO(b"".join(get(ch_staff, "letters_letter:index", query="?export=xlsx").streaming_content))
    ).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert '\'=HYPERLINK("http://evil")' in values


def test_messages_list_inspect_moderate_and_cards_are_scoped(ch_staff, rows):
    own, other = rows["messages"]["ch"], rows["messages"]["fr"]
    content = get(ch_staff, "letters_solidaritymessage:index").content.decode()
    assert "Message suisse" in content and "Message français" not in content
    assert get(ch_staff, "letters_solidaritymessage:inspect", other.pk, follow=True).status_code == 404

    url = reverse("letters_solidaritymessage:moderate", args=[other.pk, "reject"])
    assert ch_staff.post(url, follow=True).status_code == 404
    other.refresh_from_db()
    assert other.status == MessageStatus.APPROVED and other.moderated_by is None

    for query in ("", f"?action={rows['fr_action'].pk}"):
        response = get(ch_staff, "letters_solidaritymessage:cards", query=query)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert "Message français" not in text
    assert "Message suisse" in " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(get(ch_staff, "letters_solidaritymessage:cards").content)).pages
    )
    assert own.status == MessageStatus.APPROVED


def test_staff_of_no_section_see_nothing(client, staff_factory, sections, rows):
    from django.contrib.auth.models import Group

    user = staff_factory(sections["tg"], "tg-staff")
    client.force_login(user)
    content = get(client, "letters_letter:index").content.decode()
    assert "Ueli" not in content and "Jeanne" not in content
    assert Group.objects.get(name="Staff tg").sections.count() == 1


def test_nobody_adds_or_edits_letters_or_messages(client, rows):
    admin = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    assert "Jeanne" in get(client, "letters_letter:index").content.decode()  # superusers see every section
    # Records of what visitors did: the admin has no URL to add, edit or delete one.
    for name in ("letters_letter", "letters_solidaritymessage"):
        pk = rows["letters" if name == "letters_letter" else "messages"]["ch"].pk
        assert client.get(f"/admin/{name}/new/").status_code == 404
        assert client.get(f"/admin/{name}/edit/{pk}/").status_code == 404
        assert client.post(f"/admin/{name}/delete/{pk}/").status_code == 404
    assert Letter.objects.count() == 2 and SolidarityMessage.objects.count() == 2


def test_anonymous_visitors_are_sent_to_the_login(client, rows):
    for name in ("letters_letter:index", "letters_solidaritymessage:cards"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
