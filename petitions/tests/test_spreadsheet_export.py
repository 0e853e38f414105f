"""Exported signatures cannot run as spreadsheet formulas (CSV injection), in CSV and XLSX."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from petitions.models import Signature

from .conftest import make_petition

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil.example")', "+41 31 000", "-2+3", "@SUM(A1)", "\tx", "\rcmd"]


@pytest.fixture
def exported(sections, client):
    petition = make_petition(sections["fr"].home)
    supporter_site = sections["fr"].site
    from supporters.models import Supporter

    for number, value in enumerate(DANGEROUS):
        supporter = Supporter.for_email(supporter_site, f"s{number}@example.org", "x", "y")
        # Rows as they could be stored through any path (import, older form): export must still be safe.
        Signature.objects.create(
            site=supporter_site,
            supporter=supporter,
            language="fr",
            petition_key=petition.translation_key,
            petition=petition,
            first_name=value,
            last_name="Muster",
            country=value,
        )
    client.force_login(User.objects.create_superuser("root", password="pw"))
    return client


def test_csv_cells_starting_with_formula_characters_are_neutralised(exported):
    response = exported.get("/admin/signatures/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    first_names = {row[0] for row in rows[1:]}
    assert first_names == {"'" + value for value in DANGEROUS}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_xlsx_cells_are_text_and_neutralised(exported):
    response = exported.get("/admin/signatures/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    # XML stores a carriage return as a line feed.
    expected = {"'" + value.replace("\r", "\n") for value in DANGEROUS}
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} == expected


def test_harmless_values_are_exported_unchanged(sections, client, sign):
    petition = make_petition(sections["fr"].home)
    sign(petition, first_name="Anne-Marie", last_name="O'Neil")
    client.force_login(User.objects.create_superuser("root", password="pw"))
    text = b"".join(client.get("/admin/signatures/?export=csv").streaming_content).decode()
    assert "Anne-Marie,O'Neil,anna@example.org" in text
