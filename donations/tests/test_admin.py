"""A section's staff list, filter, inspect and export their own section's donations, and no other section's."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from donations.models import Donation
from sections.models import SectionStaffGroup
from supporters.models import Supporter

from .conftest import t

pytestmark = pytest.mark.django_db


def heading(field):
    """An export column's heading, as the (French) admin writes it."""
    return capfirst(t(str(Donation._meta.get_field(field).verbose_name)))


def exported_rows(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


def make_donation(section, first_name, email, status="succeeded", amount=6000):
    site = section.site
    supporter = Supporter.for_email(site, email, first_name, "Donor")
    return Donation.objects.create(
        site=site,
        supporter=supporter,
        language="fr",
        frequency="one_off",
        amount=amount,
        currency=section.settings.currency,
        status=status,
        idempotency_key=f"{section.code}{first_name}".ljust(32, "0"),
        first_name=first_name,
        last_name="Donor",
        email=email,
    )


def pay(donation, charge):
    from django.utils import timezone

    from donations.models import Payment

    now = timezone.now()
    Payment.objects.create(
        donation=donation,
        status="succeeded",
        amount=donation.amount,
        currency=donation.currency,
        stripe_charge_id=charge,
        occurred_at=now,
        status_event_at=now,
    )


def staff(django_user_model, section, username):
    group = Group.objects.create(name=f"{section.code} staff")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_donation"),
    )
    SectionStaffGroup.objects.create(group=group, site=section.site)
    user = django_user_model.objects.create_user(username=username, password="x")
    user.groups.add(group)
    return user


@pytest.fixture
def donations(sections):
    anna = make_donation(sections["ch"], "Anna", "anna@example.ch")
    pay(anna, "ch_anna")
    return {
        "ch": anna,
        "ch_failed": make_donation(sections["ch"], "Beat", "beat@example.ch", status="failed"),
        "fr": make_donation(sections["fr"], "Camille", "camille@example.fr", amount=5000),
    }


@pytest.fixture
def swiss_staff(client, django_user_model, sections):
    client.force_login(staff(django_user_model, sections["ch"], "ch-staff"))
    return client


def test_the_list_shows_only_the_own_sections_donations(swiss_staff, donations):
    html = swiss_staff.get(reverse("donation:index")).content.decode()

    assert "Anna Donor" in html
    assert "Beat Donor" in html
    assert "Camille" not in html


def test_the_list_filters_by_status_within_the_section(swiss_staff, donations):
    html = swiss_staff.get(reverse("donation:index"), {"status": "failed"}).content.decode()

    assert "Beat Donor" in html
    assert "Anna Donor" not in html


def test_inspecting_another_sections_donation_is_not_found(swiss_staff, donations):
    own = swiss_staff.get(reverse("donation:inspect", args=[donations["ch"].pk]))
    other = swiss_staff.get(reverse("donation:inspect", args=[donations["fr"].pk]))

    assert own.status_code == 200
    assert "anna@example.ch" in own.content.decode()
    assert f"60\u00a0CHF · {t('Succeeded')} · ch_anna" in own.content.decode()
    assert other.status_code == 404
    assert "camille" not in other.content.decode()


def test_a_payment_is_dated_in_the_sections_time_zone(swiss_staff, donations):
    late = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)  # already 2 December in Zurich
    donations["ch"].payments.update(occurred_at=late)

    html = swiss_staff.get(reverse("donation:inspect", args=[donations["ch"].pk])).content.decode()

    assert f"2026-12-02 · 60\u00a0CHF · {t('Succeeded')} · ch_anna" in html


def test_staff_who_only_view_cannot_edit_and_get_404_for_another_sections_donation(swiss_staff, donations):
    own = swiss_staff.get(reverse("donation:edit", args=[donations["ch"].pk]))
    other = swiss_staff.get(reverse("donation:edit", args=[donations["fr"].pk]))

    # Staff only view donations; statuses come from Stripe.
    assert own.status_code == 302 and own["Location"] == reverse("wagtailadmin_home")
    assert other.status_code == 404
    assert "camille" not in other.content.decode()


def test_nobody_adds_a_donation_in_the_admin(client, django_user_model, donations):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))

    index = client.get(reverse("donation:index"))

    # A donation comes from a donor through Stripe: the admin's form would have no amount to record.
    assert index.status_code == 200
    assert client.get("/admin/donations/new/").status_code == 404
    assert (
        client.post("/admin/donations/new/", {"first_name": "Eve", "last_name": "Donor"}).status_code == 404
    )
    assert Donation.objects.count() == 3


def test_the_export_holds_only_the_own_sections_donations(swiss_staff, donations):
    response = swiss_staff.get(reverse("donation:index"), {"export": "csv"})

    rows = exported_rows(response)
    assert sorted(row[heading("email")] for row in rows) == ["anna@example.ch", "beat@example.ch"]
    assert {row[t("Amount (minor units)")] for row in rows} == {"6000"}


def test_the_export_filtered_to_another_site_is_still_empty(swiss_staff, donations, sections):
    response = swiss_staff.get(reverse("donation:index"), {"export": "csv", "status": "succeeded"})

    rows = exported_rows(response)
    assert [row[heading("email")] for row in rows] == ["anna@example.ch"]


def test_french_staff_see_only_french_donations(client, django_user_model, sections, donations):
    client.force_login(staff(django_user_model, sections["fr"], "fr-staff"))

    html = client.get(reverse("donation:index")).content.decode()
    inspect_swiss = client.get(reverse("donation:inspect", args=[donations["ch"].pk]))

    assert "Camille Donor" in html
    assert "Anna" not in html
    assert inspect_swiss.status_code == 404


def test_staff_of_no_section_see_nothing(client, django_user_model, donations):
    user = django_user_model.objects.create_user(username="nobody", password="x")
    group = Group.objects.create(name="no section")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_donation")
    )
    user.groups.add(group)
    client.force_login(user)

    response = client.get(reverse("donation:index"), {"export": "csv"})

    rows = exported_rows(response)
    assert rows == []


def test_a_superuser_sees_every_section(client, django_user_model, donations):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))

    html = client.get(reverse("donation:index")).content.decode()

    assert "Anna Donor" in html and "Camille Donor" in html


def test_exported_cells_never_run_as_formulas(swiss_staff, sections):
    make_donation(sections["ch"], '=HYPERLINK("http://evil.example","Reçu")', "formula@example.ch")

    rows = exported_rows(swiss_staff.get(reverse("donation:index"), {"export": "csv"}))
    assert [row[heading("first_name")] for row in rows] == ['\'=HYPERLINK("http://evil.example","Reçu")']


def test_staff_see_each_gifts_method_and_a_direct_debits_mandate(
    client, django_user_model, sections, donations
):
    camille = donations["fr"]
    camille.method = "sepa_debit"
    camille.mandate_text = (
        "En fournissant votre IBAN et en confirmant ce paiement, vous autorisez (A) Plaidoyer France"
    )
    camille.mandate_accepted_at = timezone.now()
    camille.save()
    client.force_login(staff(django_user_model, sections["fr"], "fr-staff"))

    listing = client.get(reverse("donation:index")).content.decode()
    inspect = client.get(reverse("donation:inspect", args=[camille.pk])).content.decode()
    by_method = client.get(reverse("donation:index"), {"method": "card"}).content.decode()

    assert t("SEPA Direct Debit") in listing
    assert t("SEPA Direct Debit") in inspect
    assert camille.mandate_text in inspect
    assert "Camille" not in by_method


def test_togos_staff_see_a_mobile_money_gifts_network_and_paygate_references_never_its_number(
    client, django_user_model, sections
):
    from donations.models import MobileMoneyPayment

    gift = make_donation(sections["tg"], "Kossi", "kossi@example.tg", amount=5000)
    gift.method = "mobile_money"
    gift.save()
    MobileMoneyPayment.objects.create(
        donation=gift,
        network="FLOOZ",
        phone_number="+22896123456",
        tx_reference="17384561",
        payment_reference="MP261206.1015.C41872",
    )
    inspect_url = reverse("donation:inspect", args=[gift.pk])

    client.force_login(staff(django_user_model, sections["tg"], "tg-staff"))
    html = client.get(inspect_url).content.decode()
    client.force_login(staff(django_user_model, sections["ch"], "ch-staff"))
    swiss = client.get(inspect_url)

    assert f"{t('Flooz (Moov Africa)')} · {t('PayGate transaction')} 17384561" in html
    assert "MP261206.1015.C41872" in html
    for number in ("22896123456", "96123456", "96 12 34 56"):
        assert number not in html
    assert swiss.status_code == 404
    assert "17384561" not in swiss.content.decode() and "22896123456" not in swiss.content.decode()
