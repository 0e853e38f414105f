"""The receipt email: sent from the section's legal entity, in the donor's language, once a payment succeeded,
with the tax receipt (PDF, in French) attached where the section issues them."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
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
    """Hand each donor's paper for their tax return of `year` to `send_yearly_summary`: in sections that
    issue French tax receipts, the summary of their receipts (in French); in sections that send yearly
    attestations, an attestation of their gifts in their language.

    Returns how many were handed over. Run again (after a failure, or by mistake), it hands over only those
    not sent yet (no `ReceiptSummary` row), and `send_yearly_summary` sends each one once.
    """
    from .models import ReceiptSummary

    handed = 0
    sections = SectionSettings.objects.filter(Q(tax_receipts=True) | Q(yearly_attestations=True))
    for section in sections.select_related("site"):
        sent = set(
            ReceiptSummary.objects.filter(site=section.site, year=year).values_list("supporter_id", flat=True)
        )
        for supporter_id, currency in _yearly_rows(section, year):
            if supporter_id in sent:
                continue
            send_yearly_summary.enqueue(section.site_id, supporter_id, year, currency)
            handed += 1
    return handed


def _yearly_rows(section, year, supporter_id=None):
    """The section's rows of `year` by donor and currency: its receipts where it issues tax receipts, else
    its payments; only one donor's with `supporter_id`."""
    from .receipts import payments_of_year, receipts_of_year

    by_donor = {}
    if section.tax_receipts:
        for receipt in receipts_of_year(section.site, year, supporter_id=supporter_id):
            donation = receipt.payment.donation
            by_donor.setdefault((donation.supporter_id, receipt.currency), []).append(receipt)
    else:
        for payment in payments_of_year(section.site, year, supporter_id=supporter_id):
            by_donor.setdefault((payment.donation.supporter_id, payment.currency), []).append(payment)
    return by_donor


@task()
def send_yearly_summary(site_id, supporter_id, year, currency, attempt=1):
    """Send one donor their summary (or attestation) of `year` in `currency`, with its PDF, at most once.

    Its `ReceiptSummary` row is written in the transaction that hands the email to the mail server, and
    taken back when the server refuses it: the retry (supporters.delivery) or a data officer's resend of
    the undelivered email then sends it, and anything that comes after the one accepted sends nothing.
    Dropped if the donor was erased meanwhile (their address is blanked).
    """
    from .models import ReceiptSummary
    from .receipts import attestation_filename, attestation_pdf, summary_filename, summary_pdf

    section = SectionSettings.objects.select_related("site").filter(site_id=site_id).first()
    rows = _yearly_rows(section, year, supporter_id).get((supporter_id, currency)) if section else None
    if not rows:
        return False
    gifts = [row.payment.donation if section.tax_receipts else row.donation for row in rows]
    donation = max(gifts, key=lambda gift: gift.created_at)
    if not donation.email:
        return False  # erased: nobody to send it to
    with transaction.atomic():
        try:
            with transaction.atomic():
                summary = ReceiptSummary.objects.create(site_id=site_id, supporter_id=supporter_id, year=year)
        except IntegrityError:
            return False  # sent already
        texts = section_texts(section.site, donation.language)
        with translation.override(donation.language):
            context = {
                "donation": donation,
                "year": year,
                "count": len(rows),
                "section": section,
                "section_texts": texts,
            }
            template = "receipt_summary" if section.tax_receipts else "attestation"
            message = donor_email(template, context, to=donation.email, section=section, texts=texts)
        if section.tax_receipts:
            message.attach(summary_filename(year), summary_pdf(section.site, year, rows), "application/pdf")
        else:
            pdf = attestation_pdf(section.site, year, rows, donation.language)
            message.attach(attestation_filename(year), pdf, "application/pdf")
        sent = delivery.send(
            message,
            task=send_yearly_summary,
            args=(site_id, supporter_id, year, currency),
            attempt=attempt,
            supporter=donation.supporter,
            kind=EmailKind.DONATION_YEARLY_SUMMARY,
        )
        if not sent:
            summary.delete()
    return sent


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
