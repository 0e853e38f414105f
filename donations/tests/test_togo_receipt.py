"""Togo's donors get a receipt in French (PDF) with their receipt email: a receipt, not a tax receipt."""

import pytest
from django.core import mail

from .conftest import t
from .paygate import notify
from .test_receipts import pdf_text


@pytest.mark.django_db
def test_a_mobile_money_gift_in_togo_gets_a_receipt_in_french_that_is_not_a_tax_receipt(
    client, paygate, gift, django_capture_on_commit_callbacks
):
    paygate.status[gift] = ["status_paid"]

    with django_capture_on_commit_callbacks(execute=True):
        notify(client, "tg", gift)

    [email] = mail.outbox
    [(name, content, mimetype)] = email.attachments
    assert mimetype == "application/pdf" and name.startswith("recu-don-")
    text = pdf_text(content).replace("\xa0", " ").replace("\u202f", " ")
    assert "Reçu de don" in text
    assert "Ce n'est pas un reçu fiscal" in text
    assert "Veranika Tsapkala" in text
    assert "5 000 XOF" in text
    assert "cinq mille francs CFA" in text
    assert "Mode de versement : Mobile money (Flooz)" in text
    assert "Référence du paiement : 17384561" in text
    assert "6 décembre 2026" in text  # the date PayGate gave for the payment
    assert t("Your receipt is attached (PDF, in French). It is not a tax receipt.") in email.body


@pytest.mark.django_db
def test_the_receipt_email_of_a_section_without_receipts_has_no_attachment(
    client, paygate, gift, sections, django_capture_on_commit_callbacks
):
    section_settings = sections["tg"].settings
    section_settings.payment_receipts = False
    section_settings.save()
    paygate.status[gift] = ["status_paid"]

    with django_capture_on_commit_callbacks(execute=True):
        notify(client, "tg", gift)

    [email] = mail.outbox
    assert email.attachments == []
    assert t("Your receipt is attached (PDF, in French). It is not a tax receipt.") not in email.body
