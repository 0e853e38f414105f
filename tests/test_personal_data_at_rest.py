"""Supporters' personal data at rest: a database dump reveals nobody; lookups, counts and staff still work."""

import importlib
import subprocess
import uuid
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from donations.models import Donation, DonationMethod, Frequency, MobileMoneyPayment, MobileNetwork
from membership.models import Membership, Way
from petitions.letters.models import Letter, SolidarityMessage
from petitions.letters.tests.helpers import CH, generate, make_action
from petitions.models import Signature
from petitions.tests.conftest import form_data, host_of, make_petition, sign_path
from sections.models import SectionSettings, SectionStaffGroup
from supporters.actions import record_action
from supporters.checks import personal_data_keys, require_keys
from supporters.models import ActionCount, Supporter
from supporters.tests.helpers import solution

# What one person gives, in every kind of action; none of it may be readable in a dump.
PLANTED = {
    "first_name": "Zephyrine",
    "last_name": "Quillfeather",
    "email": "Zephyrine.Quillfeather@example.org",
    "postal_code": "QX-4471",
    "town": "Vrillonville-sur-Orbe",
    "paragraph": "Les tournesols de Vrillonville attendent votre libération",
    "message": "Nous pensons à vous chaque matin depuis Glycinebourg",
    "address": "17 chemin des Xylophages",
    "phone": "+41791234567",
    "mobile_phone": "+22896123456",
}


def sign(petition, **overrides):
    from django.test import Client

    client = Client()
    settings = SectionSettings.for_site(petition.get_site())
    data = form_data(petition, settings, captcha=solution(host_of(petition), client), **overrides)
    return client.post(sign_path(petition), data, HTTP_HOST=host_of(petition))


def signature_for(site, petition, email, first_name="Anna", last_name="Muster"):
    signature = Signature(
        site=site,
        petition=petition,
        petition_key=petition.translation_key,
        first_name=first_name,
        last_name=last_name,
        country="Suisse",
        language="fr",
    )
    return record_action(
        signature, email=email, first_name=first_name, last_name=last_name, count_key=petition.translation_key
    )


def plant_every_kind_of_action(sections, client):
    """The planted person signs, writes a letter, leaves a message, gives and joins, in the Swiss section."""
    site = sections["ch"].site
    sections["ch"].settings.double_opt_in = False
    sections["ch"].settings.save()
    petition = make_petition(sections["ch"].home, slug="kalesnikava")
    response = sign(
        petition,
        first_name=PLANTED["first_name"],
        last_name=PLANTED["last_name"],
        email=PLANTED["email"],
        postal_code=PLANTED["postal_code"],
    )
    assert response.status_code == 303
    action = make_action(sections["ch"].home)
    response = generate(
        client,
        action,
        host=CH,
        first_name=PLANTED["first_name"],
        last_name=PLANTED["last_name"],
        town=PLANTED["town"],
        email=PLANTED["email"],
        personal_paragraph=PLANTED["paragraph"],
    )
    assert response.status_code == 200, response.status_code
    message = SolidarityMessage(
        site=site,
        action=action,
        author_name=PLANTED["first_name"],
        town=PLANTED["town"],
        text=PLANTED["message"],
    )
    assert record_action(message, email=PLANTED["email"], first_name=PLANTED["first_name"])
    donation = Donation(
        site=site,
        frequency=Frequency.ONE_OFF,
        amount=5000,
        currency="CHF",
        idempotency_key=uuid.uuid4().hex,
        first_name=PLANTED["first_name"],
        last_name=PLANTED["last_name"],
        email=PLANTED["email"],
        address_line=PLANTED["address"],
        postal_code=PLANTED["postal_code"],
        city=PLANTED["town"],
        country="Suisse",
        language="fr",
    )
    assert record_action(donation, email=PLANTED["email"], first_name=PLANTED["first_name"])
    membership = Membership(
        site=site,
        join_page_key=uuid.uuid4(),
        way=Way.MEMBER,
        first_name=PLANTED["first_name"],
        last_name=PLANTED["last_name"],
        town=PLANTED["town"],
        phone=PLANTED["phone"],
        language="fr",
    )
    assert record_action(membership, email=PLANTED["email"], first_name=PLANTED["first_name"])
    # And, visiting Togo, gives by mobile money (Flooz) from a Togolese phone.
    gift = Donation(
        site=sections["tg"].site,
        frequency=Frequency.ONE_OFF,
        method=DonationMethod.MOBILE_MONEY,
        amount=5000,
        currency="XOF",
        idempotency_key=uuid.uuid4().hex,
        first_name=PLANTED["first_name"],
        last_name=PLANTED["last_name"],
        email=PLANTED["email"],
        language="fr",
    )
    assert record_action(gift, email=PLANTED["email"], first_name=PLANTED["first_name"])
    MobileMoneyPayment.objects.create(
        donation=gift, network=MobileNetwork.FLOOZ, phone_number=PLANTED["mobile_phone"]
    )
    return petition


def database_dump():
    """The test database as `pg_dump` writes it: what a thief who copied it would read."""
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"]]
    if db["PORT"]:
        command += ["-p", str(db["PORT"])]
    env = {"PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run([*command, db["NAME"]], check=True, capture_output=True, text=True, env=env).stdout


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_none_of_the_personal_data_planted_in_every_kind_of_action(sections, client):
    petition = plant_every_kind_of_action(sections, client)

    dump = database_dump().casefold()
    for name, value in PLANTED.items():
        assert value.casefold() not in dump, f"the planted {name} is readable in the dump"
    assert "zephyrinequillfeather@example.org" not in dump  # nor the canonical email

    # The rows are there, encrypted with the Swiss section's key, and its staff read them in clear.
    assert dump.count("ch:gaaaaa") >= 20
    signature = Signature.objects.get()
    assert (signature.first_name, signature.postal_code, signature.email) == (
        "Zephyrine",
        "QX-4471",
        PLANTED["email"],
    )
    assert Letter.objects.get().town == PLANTED["town"]
    assert SolidarityMessage.objects.get().text == PLANTED["message"]
    assert Donation.objects.get(site=sections["ch"].site).address_line == PLANTED["address"]
    assert Membership.objects.get().phone == PLANTED["phone"]
    assert MobileMoneyPayment.objects.get().phone_number == PLANTED["mobile_phone"]
    assert dump.count("tg:gaaaaa") >= 4  # Togo's donation and phone number, with Togo's key
    # One person, one supporter row per section they acted in, whatever they did; one signature counted.
    assert Supporter.objects.count() == 2
    assert ActionCount.total_for(petition.translation_key) == 1


def staff_of(site, username, permissions):
    group = Group.objects.create(name=f"Staff {username}")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", *permissions]))
    SectionStaffGroup.objects.create(group=group, site=site)
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(group)
    return user


@pytest.mark.django_db
def test_staff_find_a_supporter_by_exact_email_in_their_own_section_only(sections, client):
    fr, ch = sections["fr"].site, sections["ch"].site
    fr_petition = make_petition(sections["fr"].home, slug="dissidents")
    ch_petition = make_petition(sections["ch"].home, slug="maria")
    signature_for(fr, fr_petition, "jane.doe@gmail.com", "Françoise", "Parisot")
    signature_for(ch, ch_petition, "jane.doe@gmail.com", "Ueli", "Bernasconi")
    signature_for(fr, fr_petition, "other@example.org", "Odile", "Autrevillier")
    client.force_login(staff_of(fr, "fr-staff", ["view_signature"]))

    # Any form of the address that the canonical email dedupes finds her; nobody else is listed.
    for typed in ("jane.doe@gmail.com", " Jane.Doe+petitions@GoogleMail.com "):
        html = client.get("/admin/signatures/", {"q": typed}).content.decode()
        assert "Parisot" in html and "Autrevillier" not in html
        assert "Bernasconi" not in html  # the same address in another section
    # Not a substring search: the names and a part of the address are stored encrypted.
    html = client.get("/admin/signatures/", {"q": "jane.doe@gmail"}).content.decode()
    assert "Parisot" not in html
    html = client.get("/admin/signatures/", {"q": "Odile"}).content.decode()
    assert "Autrevillier" not in html


@pytest.mark.django_db
def test_staff_cannot_sort_a_list_by_an_encrypted_column(sections, client):
    fr = sections["fr"].site
    petition = make_petition(sections["fr"].home, slug="tri")
    signature_for(fr, petition, "first@example.org", "Zoé", "Zimmermann")
    signature_for(fr, petition, "second@example.org", "Adèle", "Aubert")
    client.force_login(staff_of(fr, "fr-sorter", ["view_signature"]))

    html = client.get("/admin/signatures/").content.decode()
    # Dates sort; names (stored as tokens, in no order of the names) offer no sort link.
    assert "ordering=created_at" in html or "ordering=-created_at" in html
    assert "ordering=first_name" not in html and "ordering=last_name" not in html
    # Asking for it anyway keeps the list in its default order (newest first), not the tokens' order.
    for ordering in ("first_name", "-last_name"):
        html = client.get("/admin/signatures/", {"ordering": ordering}).content.decode()
        assert html.index("Aubert") < html.index("Zimmermann")


@pytest.mark.django_db
def test_a_repeat_signer_is_recognised_and_counted_once(sections):
    site = sections["fr"].site
    petition = make_petition(sections["fr"].home)
    assert signature_for(site, petition, "Jane.Doe@gmail.com") is True
    assert signature_for(site, petition, "janedoe+again@googlemail.com") is False
    assert Signature.objects.count() == Supporter.objects.count() == 1
    assert ActionCount.total_for(petition.translation_key) == 1


@pytest.mark.django_db
def test_without_its_key_a_section_refuses_to_start_and_stores_nothing_in_clear(sections, settings):
    settings.PERSONAL_DATA_DEV_KEYS = False
    settings.SECTION_SECRETS = {
        name: value for name, value in settings.SECTION_SECRETS.items() if not name.endswith("_TG")
    }
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_HASH_KEY_TG"):
        require_keys()
    errors = personal_data_keys(None, databases=["default"])
    assert [error.id for error in errors] == ["supporters.E001"]
    assert "'tg'" in errors[0].msg

    petition = make_petition(sections["tg"].home)
    with pytest.raises(ImproperlyConfigured):
        signature_for(sections["tg"].site, petition, "kossi@example.org")
    assert not Supporter.objects.exists() and not Signature.objects.exists()
    # The other sections keep working.
    assert signature_for(
        sections["fr"].site, make_petition(sections["fr"].home, slug="autre"), "a@example.org"
    )


@pytest.mark.django_db
def test_a_wrong_key_is_refused_at_start_rather_than_read_as_garbage(sections, settings):
    petition = make_petition(sections["ch"].home)
    signature_for(sections["ch"].site, petition, "anna@example.org")
    settings.SECTION_SECRETS = {
        **settings.SECTION_SECRETS,
        "PERSONAL_DATA_KEYS_CH": Fernet.generate_key().decode(),
    }
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEYS_CH does not open"):
        require_keys()
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEYS_CH does not open"):
        Signature.objects.get()


@pytest.mark.django_db
def test_a_rotated_key_keeps_every_row_readable_and_the_old_key_can_then_go(sections, settings):
    site = sections["ch"].site
    petition = make_petition(sections["ch"].home)
    for number in range(5):
        signature_for(site, petition, f"signer{number}@example.org", f"Anna{number}", "Muster")
    old = settings.SECTION_SECRETS["PERSONAL_DATA_KEYS_CH"]
    new = Fernet.generate_key().decode()
    # The new key first: new rows use it, the old one still opens the stored rows.
    settings.SECTION_SECRETS = {**settings.SECTION_SECRETS, "PERSONAL_DATA_KEYS_CH": f"{new},{old}"}
    assert sorted(Signature.objects.values_list("first_name", flat=True)) == [f"Anna{n}" for n in range(5)]

    call_command("rotate_personal_data_keys", "--batch-size", "2", stdout=open("/dev/null", "w"))

    settings.SECTION_SECRETS = {**settings.SECTION_SECRETS, "PERSONAL_DATA_KEYS_CH": new}
    require_keys()
    assert sorted(Signature.objects.values_list("first_name", flat=True)) == [f"Anna{n}" for n in range(5)]
    assert sorted(Supporter.objects.values_list("email", flat=True)) == [
        f"signer{n}@example.org" for n in range(5)
    ]
    # Dedupe is unchanged: the keyed hash does not depend on the encryption key.
    assert signature_for(site, petition, "Signer3@example.org") is False
    assert ActionCount.total_for(petition.translation_key) == 5


@pytest.mark.django_db
def test_rows_stored_in_clear_before_the_migration_are_encrypted_and_still_recognised(sections):
    site = sections["fr"].site
    petition = make_petition(sections["fr"].home)
    signature_for(site, petition, "Anna.Muster@example.org", "Anna", "Muster")
    with connection.cursor() as cursor:  # the rows as they were before the migrations
        cursor.execute(
            "UPDATE supporters_supporter SET email = 'Anna.Muster@example.org', first_name = 'Anna', "
            "last_name = 'Muster', email_hash = 'anna.muster@example.org'"
        )
        cursor.execute(
            "UPDATE petitions_signature SET first_name = 'Anna', last_name = 'Muster', country = 'France'"
        )
    editor = SimpleNamespace(connection=connection)
    supporters_migration = importlib.import_module("supporters.migrations.0014_encrypt_personal_data")
    supporters_migration.hash_emails(None, editor)
    supporters_migration.ENCRYPT(None, editor)
    importlib.import_module("petitions.migrations.0009_encrypt_signatures").ENCRYPT(None, editor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT email, first_name, email_hash FROM supporters_supporter")
        stored = " ".join(cursor.fetchone())
        cursor.execute("SELECT first_name, last_name, country FROM petitions_signature")
        stored += " ".join(cursor.fetchone())
    assert "anna" not in stored.casefold() and "france" not in stored.casefold()
    signature = Signature.objects.select_related("supporter").get()
    assert (signature.first_name, signature.country, signature.supporter.email) == (
        "Anna",
        "France",
        "Anna.Muster@example.org",
    )
    assert signature_for(site, petition, "anna.muster@EXAMPLE.org") is False


@pytest.mark.django_db
def test_mobile_money_numbers_stored_in_clear_before_the_migration_are_encrypted_with_the_gifts_section_key(
    sections,
):
    site = sections["tg"].site
    with connection.cursor() as cursor:  # the table as it was before the migrations: no section
        cursor.execute("ALTER TABLE donations_mobilemoneypayment ALTER COLUMN site_id DROP NOT NULL")
    gift = Donation(
        site=site,
        frequency=Frequency.ONE_OFF,
        method=DonationMethod.MOBILE_MONEY,
        amount=5000,
        currency="XOF",
        idempotency_key=uuid.uuid4().hex,
        first_name="Kossi",
        last_name="Agbeko",
        email="kossi@example.org",
        language="fr",
    )
    assert record_action(gift, email="kossi@example.org", first_name="Kossi")
    MobileMoneyPayment.objects.create(
        donation=gift, network=MobileNetwork.TMONEY, phone_number="+22890123456"
    )
    with connection.cursor() as cursor:  # the row as it was: no section, the number in clear
        cursor.execute(
            "UPDATE donations_mobilemoneypayment SET site_id = NULL, phone_number = '+22890123456'"
        )
    editor = SimpleNamespace(connection=connection)
    migration = importlib.import_module("donations.migrations.0014_mobile_money_payment_site")
    with connection.cursor() as cursor:
        cursor.execute(migration.Migration.operations[1].sql)
    importlib.import_module("donations.migrations.0015_encrypt_mobile_money_phone_numbers").ENCRYPT(
        None, editor
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone_number, site_id FROM donations_mobilemoneypayment")
        stored, site_id = cursor.fetchone()
    assert stored.startswith("tg:gAAAAA") and "22890123456" not in stored
    assert site_id == site.pk
    assert MobileMoneyPayment.objects.get().phone_number == "+22890123456"
