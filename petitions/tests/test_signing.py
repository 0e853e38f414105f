"""Signing a petition: the form, the thank-you step, double opt-in, duplicates, the consent ledger."""

import re

import pytest
from django.core import mail

from petitions.models import Signature, SignatureState
from sections.models import SectionTexts
from supporters.models import ActionCount, ConsentPurpose, ConsentRecord, Supporter
from supporters.network import hash_ip

from .conftest import host_of, make_petition, page_path, signatures_text, t, text_of

ONE_LAST_STEP = (
    "One last step: we have sent you an email. Your signature counts once you follow the link in it."
)

pytestmark = pytest.mark.django_db


def already_signed(petition):
    return t("You have already signed: %(title)s") % {"title": petition.title}


def confirmation_link(message):
    return re.search(r"https?://\S+/petitions/confirm/\S+/", message.body).group(0)


def test_the_page_shows_demand_addressee_count_and_an_unticked_form(client, petition):
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert response.status_code == 200
    text = text_of(response)
    assert "Libérez Maryia Kalesnikava, Ales Bialiatski" in text
    assert "Autorités du Bélarus" in text
    assert signatures_text(0) in text
    html = response.content.decode()
    assert '<progress class="petition-count__bar" max="1000" value="0"' in html
    assert 'name="consent"' in html and 'name="newsletter"' in html
    assert "checked" not in html
    # The section's wording is the default consent text.
    assert "J'accepte que Plaidoyer France traite mes données" in text


def test_signing_redirects_to_a_thank_you_step_without_personal_data(client, petition, sign):
    response = sign(petition, email="Anna.Muster+petition@Example.org")
    assert response.status_code == 303
    assert response["Location"] == "/fr/dissidents/thanks/"
    thanks = client.get(response["Location"], HTTP_HOST=host_of(petition))
    assert thanks.status_code == 200
    text = text_of(thanks)
    assert t(ONE_LAST_STEP) in text
    assert "Anna" not in text and "example.org" not in text.lower()
    hrefs = re.findall(r'href="([^"]+)"', thanks.content.decode())
    for start in (
        "mailto:?",
        "https://wa.me/?",
        "https://t.me/share/url?",
        "https://x.com/intent/post?",
        "https://www.facebook.com/sharer/",
    ):
        assert any(href.startswith(start) for href in hrefs), start
    # Sharing needs no third party's script: the page loads only this site's own files (the menu).
    scripts = re.findall(r"<script([^>]*)>", thanks.content.decode())
    assert scripts, "the menu's script"
    assert all(re.search(r'src="/static/', attributes) for attributes in scripts), scripts


def test_double_opt_in_counts_only_after_the_link_is_followed(client, petition, sign):
    sign(petition)
    signature = Signature.objects.get()
    assert signature.state == SignatureState.PENDING
    assert ActionCount.total_for(petition.translation_key) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "Liberté pour les dissident·e·s bélarussiens" in message.subject
    link = confirmation_link(message)
    assert link.startswith("http://fr.localhost:8000/fr/petitions/confirm/")
    assert "anna" not in link.lower() and "example" not in link

    response = client.post(link.split("8000", 1)[1], HTTP_HOST="fr.localhost:8000")
    assert response.status_code == 200
    assert t("Your signature is confirmed") in text_of(response)
    signature.refresh_from_db()
    assert signature.state == SignatureState.CONFIRMED and signature.confirmed_at
    page = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert signatures_text(1) in text_of(page)


def test_without_double_opt_in_a_signature_counts_at_once(client, sections, petition, sign):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    response = sign(petition)
    assert response.status_code == 303
    assert Signature.objects.get().state == SignatureState.CONFIRMED
    assert ActionCount.total_for(petition.translation_key) == 1
    assert mail.outbox == []
    thanks = client.get(response["Location"], HTTP_HOST=host_of(petition))
    assert t("Your signature has been counted.") in text_of(thanks)


def test_signing_again_looks_the_same_and_the_signer_gets_an_email(client, sections, petition, sign):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    first = sign(petition)
    second = sign(petition, first_name="Someone", last_name="Else", email=" ANNA@example.org ")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert first.content == second.content
    assert Signature.objects.count() == 1
    assert Signature.objects.get().first_name == "Anna"
    assert ActionCount.total_for(petition.translation_key) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert mail.outbox[0].subject == already_signed(petition)
    # A third attempt within the hour does not flood the mailbox.
    sign(petition)
    assert len(mail.outbox) == 1


def test_a_pending_signer_who_signs_again_gets_a_fresh_confirmation_link(client, petition, sign):
    sign(petition)
    sign(petition)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == already_signed(petition)
    link = confirmation_link(mail.outbox[1])
    client.post(link.split("8000", 1)[1], HTTP_HOST="fr.localhost:8000")
    assert ActionCount.total_for(petition.translation_key) == 1


@pytest.mark.parametrize(
    "variant",
    [
        "j.doe@gmail.com",
        "J.Doe@Gmail.com",
        " jdoe@gmail.com",
        "jdoe+petition@gmail.com",
        "j.d.o.e@googlemail.com",
    ],
)
def test_canonical_email_variants_are_one_signature(sections, petition, sign, variant):
    sections["fr"].settings.double_opt_in = False
    sections["fr"].settings.save()
    sign(petition, email="jdoe@gmail.com")
    sign(petition, email=variant)
    assert Signature.objects.count() == 1
    assert ActionCount.total_for(petition.translation_key) == 1


def test_the_same_person_may_sign_two_petitions(sections, petition, sign):
    other = make_petition(sections["fr"].home, slug="autre", title="Une autre pétition")
    sign(petition)
    sign(other)
    assert Signature.objects.count() == 2
    assert Supporter.objects.count() == 1


def test_consent_ledger_records_wording_version_language_section_and_choices(sections, petition, sign):
    sign(petition, newsletter="on")
    signature = Signature.objects.get()
    records = {record.purpose: record for record in ConsentRecord.objects.all()}
    processing = records[ConsentPurpose.PROCESSING]
    texts = SectionTexts.objects.get(site=sections["fr"].site)
    wording = texts.consent_text
    assert processing.granted is True
    assert processing.wording == wording
    assert processing.wording_version == ConsentRecord.version_of(wording)
    assert processing.language == "fr"
    assert processing.site == sections["fr"].site
    assert processing.action == f"petitions.signature:{signature.pk}"
    assert records[ConsentPurpose.NEWSLETTER].granted is True
    assert records[ConsentPurpose.NEWSLETTER].wording == texts.newsletter_consent_text
    assert signature.newsletter is True


def test_an_unticked_newsletter_box_is_recorded_as_refused(petition, sign):
    sign(petition)
    newsletter = ConsentRecord.objects.get(purpose=ConsentPurpose.NEWSLETTER)
    assert newsletter.granted is False
    assert Signature.objects.get().newsletter is False


def test_the_petitions_own_consent_wording_replaces_the_sections(client, sections):
    petition = make_petition(
        sections["fr"].home, consent_text="J'accepte que mon nom soit remis au ministre."
    )
    response = client.get(page_path(petition), HTTP_HOST=host_of(petition))
    assert "J&#x27;accepte que mon nom soit remis au ministre." in response.content.decode()


def test_the_ip_address_is_stored_only_as_a_keyed_hash(petition, sign):
    sign(petition, meta={"REMOTE_ADDR": "203.0.113.7"})
    signature = Signature.objects.get()
    assert signature.ip_hash == hash_ip("203.0.113.7")
    assert "203.0.113" not in signature.ip_hash


def test_petitions_with_different_forms_each_keep_their_own(client, sections, sign):
    """Forms share their fields per wording and postal-code rule: one petition's never shows on another."""
    home = sections["fr"].home
    hidden = make_petition(
        home,
        slug="sans-code",
        postal_code="hidden",
        consent_text="J'accepte que mon nom soit remis au ministre.",
    )
    required = make_petition(home, slug="avec-code", postal_code="required")
    for _round in range(2):
        hidden_page = client.get(page_path(hidden), HTTP_HOST=host_of(hidden)).content.decode()
        required_page = client.get(page_path(required), HTTP_HOST=host_of(required)).content.decode()
        assert 'name="postal_code"' not in hidden_page
        assert "remis au ministre" in hidden_page
        assert re.search(r'<input[^>]*name="postal_code"[^>]*required', required_page)
        assert "remis au ministre" not in required_page
    assert sign(hidden, postal_code=None).status_code == 303
    refused = sign(required, postal_code=None)
    assert refused.status_code == 200
    assert t("This field is required.") in text_of(refused)
    assert Signature.objects.filter(petition_key=required.translation_key).count() == 0
