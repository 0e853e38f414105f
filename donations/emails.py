"""The receipt email: sent from the section's legal entity, in the donor's language, once a payment succeeded,
with the tax receipt (PDF, in French) attached where the section issues them."""

from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from sections.models import SectionSettings
from sections.texts import section_texts
from supporters import delivery
from supporters.models import EmailKind

from . import money
from .manage import emailed_link_url


def sender(texts):
    """The legal entity's name, in the donor's language, on the project's sending address (the domain
    the mail server may send for)."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((texts.entity, address))


def donor_email(name, context, *, to, section, texts):
    """The email `donations/emails/<name>.txt` (its subject: `<name>_subject.txt`), rendered in the active
    language, from the section's legal entity, replies to the section's contact address."""
    return EmailMessage(
        subject=render_to_string(f"donations/emails/{name}_subject.txt", context).strip(),
        body=render_to_string(f"donations/emails/{name}.txt", context),
        from_email=sender(texts),
        to=[to],
        reply_to=[section.contact_email] if section.contact_email else None,
    )


@task()
def send_receipt(payment_id, attempt=1):
    """Send the receipt of one payment, at most once (the webhook that triggers it may be delivered again).

    Dropped if the donor was erased meanwhile (their address is blanked); a refused send is retried
    (supporters.delivery) and the payment keeps no receipt date until one is accepted.
    """
    from .models import Payment, PaymentStatus, Receipt
    from .receipts import filename, payment_receipt_filename, payment_receipt_pdf, receipt_pdf

    with transaction.atomic():
        # Only the payment's row: FOR UPDATE would otherwise lock the joined donation and site too, in
        # the opposite order from a webhook (donation, then payment), and the two could deadlock.
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("donation", "donation__site", "donation__supporter")
            .filter(pk=payment_id, status=PaymentStatus.SUCCEEDED, receipt_sent_at__isnull=True)
            .first()
        )
        if payment is None or not payment.donation.email:
            return False
        donation = payment.donation
        section = SectionSettings.for_site(donation.site)
        texts = section_texts(donation.site, donation.language)
        receipt = Receipt.objects.filter(payment=payment).first()
        with translation.override(donation.language), timezone.override(section.zone):
            context = {
                "donation": donation,
                "payment": payment,
                "section": section,
                "section_texts": texts,
                "receipt": receipt,
                "payment_receipt": receipt is None and section.payment_receipts,
                "amount": money.format_amount(payment.amount, payment.currency),
                "after_deduction": money.format_amount(
                    money.after_deduction(payment.amount, section.tax_deduction_rate), payment.currency
                )
                if section.tax_deduction_rate
                else "",
                "manage_url": emailed_link_url(donation) if donation.frequency == "monthly" else "",
            }
            message = donor_email("receipt", context, to=donation.email, section=section, texts=texts)
        if receipt is not None:
            message.attach(filename(receipt), receipt_pdf(receipt), "application/pdf")
        elif section.payment_receipts:
            message.attach(payment_receipt_filename(payment), payment_receipt_pdf(payment), "application/pdf")
        sent = delivery.send(
            message,
            task=send_receipt,
            args=(payment_id,),
            attempt=attempt,
            supporter=donation.supporter,
            kind=EmailKind.DONATION_RECEIPT,
        )
        if not sent:
            return False
        payment.receipt_sent_at = timezone.now()
        payment.save(update_fields=["receipt_sent_at"])
    return True


@task()
def send_receipt_cancelled(receipt_id, attempt=1):
    """Tell the donor, in their language, that the tax receipt of a refunded gift is cancelled: once
    (`cancellation_sent_at`), however often Stripe reports the refund."""
    from .models import Receipt

    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update(of=("self",))
            .select_related("site", "payment__donation__supporter")
            .filter(pk=receipt_id, cancelled_at__isnull=False, cancellation_sent_at__isnull=True)
            .first()
        )
        if receipt is None or not receipt.payment.donation.email:
            return False
        donation = receipt.payment.donation
        section = SectionSettings.for_site(receipt.site)
        texts = section_texts(receipt.site, donation.language)
        with translation.override(donation.language), timezone.override(section.zone):
            context = {
                "donation": donation,
                "receipt": receipt,
                "section": section,
                "section_texts": texts,
                "amount": receipt.display_amount,
            }
            message = donor_email(
                "receipt_cancelled", context, to=donation.email, section=section, texts=texts
            )
        sent = delivery.send(
            message,
            task=send_receipt_cancelled,
            args=(receipt_id,),
            attempt=attempt,
            supporter=donation.supporter,
            kind=EmailKind.DONATION_RECEIPT_CANCELLED,
        )
        if not sent:
            return False
        receipt.cancellation_sent_at = timezone.now()
        receipt.save(update_fields=["cancellation_sent_at"])
    return True


@task()
def send_receipt_summaries(year):
    """Send each donor the paper for their tax return of `year`, once: in sections that issue French tax
    receipts, the summary of their receipts (in French); in sections that send yearly attestations, an
    attestation of their gifts in their language.

    Returns how many were sent. Run again (after a failure, or by mistake), it sends only those not sent
    yet: each one's row (`ReceiptSummary`) is written in the transaction that sends it.
    """
    from django.db.models import Q

    from .receipts import (
        attestation_filename,
        attestation_pdf,
        payments_of_year,
        receipts_of_year,
        summary_filename,
        summary_pdf,
    )

    sent = 0
    sections = SectionSettings.objects.filter(Q(tax_receipts=True) | Q(yearly_attestations=True))
    for section in sections.select_related("site"):
        by_donor = {}
        if section.tax_receipts:
            for receipt in receipts_of_year(section.site, year):
                donation = receipt.payment.donation
                by_donor.setdefault((donation.supporter_id, receipt.currency), []).append(receipt)
        else:
            for payment in payments_of_year(section.site, year):
                by_donor.setdefault((payment.donation.supporter_id, payment.currency), []).append(payment)
        for (supporter_id, _currency), rows in by_donor.items():
            gifts = [row.payment.donation if section.tax_receipts else row.donation for row in rows]
            latest = max(gifts, key=lambda gift: gift.created_at)
            if not latest.email:
                continue  # erased: nobody to send it to
            if section.tax_receipts:
                template, name = "receipt_summary", summary_filename(year)
                make = partial(summary_pdf, section.site, year, rows)
            else:
                template, name = "attestation", attestation_filename(year)
                make = partial(attestation_pdf, section.site, year, rows, latest.language)
            if _send_yearly(section, supporter_id, year, latest, len(rows), template, name, make):
                sent += 1
    return sent


def _send_yearly(section, supporter_id, year, donation, count, template, filename, make_pdf):
    """Send one donor's yearly email (`template`) with its PDF, unless it was sent already."""
    from .models import ReceiptSummary

    with transaction.atomic():
        _row, created = ReceiptSummary.objects.get_or_create(
            site=section.site, supporter_id=supporter_id, year=year
        )
        if not created:
            return False
        texts = section_texts(section.site, donation.language)
        with translation.override(donation.language):
            context = {
                "donation": donation,
                "year": year,
                "count": count,
                "section": section,
                "section_texts": texts,
            }
            message = donor_email(template, context, to=donation.email, section=section, texts=texts)
        message.attach(filename, make_pdf(), "application/pdf")
        message.send()
    return True


@task()
def send_payment_failed(payment_id, attempt=1):
    """Tell a monthly donor that a month's payment failed, with a link to update the card, at most once per
    invoice (Stripe reports each retry that fails)."""
    from .models import Payment, PaymentStatus

    with transaction.atomic():
        # Only the payment's row (see send_receipt).
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("donation", "donation__site", "donation__supporter")
            .filter(
                pk=payment_id,
                status=PaymentStatus.FAILED,
                failure_notice_sent_at__isnull=True,
                donation__frequency="monthly",
            )
            .first()
        )
        if payment is None or not payment.donation.email or payment.donation.supporter.erased_at:
            return False
        donation = payment.donation
        section = SectionSettings.for_site(donation.site)
        texts = section_texts(donation.site, donation.language)
        with translation.override(donation.language), timezone.override(section.zone):
            context = {
                "donation": donation,
                "payment": payment,
                "section": section,
                "section_texts": texts,
                "amount": money.format_amount(payment.amount, payment.currency),
                "manage_url": emailed_link_url(donation),
            }
            message = donor_email("payment_failed", context, to=donation.email, section=section, texts=texts)
        sent = delivery.send(
            message,
            task=send_payment_failed,
            args=(payment_id,),
            attempt=attempt,
            supporter=donation.supporter,
            kind=EmailKind.DONATION_PAYMENT_FAILED,
        )
        if not sent:
            return False
        payment.failure_notice_sent_at = timezone.now()
        payment.save(update_fields=["failure_notice_sent_at"])
    return True


@task()
def send_manage_link(link_id, page_id, language, attempt=1):
    """Email the link asked for on the "manage my monthly gift" form, in the language it was asked in."""
    from .manage import REQUESTED_LINK_SECONDS, link_url
    from .models import DonationPage, ManageLink

    link = ManageLink.objects.select_related("site", "supporter").filter(pk=link_id).first()
    page = DonationPage.objects.filter(pk=page_id).first()
    if link is None or page is None or link.supporter.erased_at or not link.supporter.email:
        return False
    section = SectionSettings.for_site(link.site)
    texts = section_texts(link.site, language)
    with translation.override(language):
        context = {
            "supporter": link.supporter,
            "section": section,
            "section_texts": texts,
            "manage_url": link_url(link, page, language),
            "minutes": REQUESTED_LINK_SECONDS // 60,
        }
        message = donor_email("manage_link", context, to=link.supporter.email, section=section, texts=texts)
    return delivery.send(
        message,
        task=send_manage_link,
        args=(link_id, page_id, language),
        attempt=attempt,
        supporter=link.supporter,
        kind=EmailKind.DONATION_MANAGE_LINK,
    )
