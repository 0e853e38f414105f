"""The receipt email: sent from the section's legal entity, in the donor's language, once a payment succeeded."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from sections.models import SectionSettings
from sections.texts import section_texts

from . import money
from .manage import emailed_link_url


def sender(texts):
    """The legal entity's name, in the donor's language, on the project's sending address (the domain
    the mail server may send for)."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((texts.entity, address))


@task()
def send_receipt(payment_id):
    """Send the receipt of one payment, at most once (the webhook that triggers it may be delivered again)."""
    from .models import Payment, PaymentStatus

    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("donation", "donation__site")
            .filter(pk=payment_id, status=PaymentStatus.SUCCEEDED, receipt_sent_at__isnull=True)
            .first()
        )
        if payment is None or not payment.donation.email:
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
                "after_deduction": money.format_amount(
                    money.after_deduction(payment.amount, section.tax_deduction_rate), payment.currency
                )
                if section.tax_deduction_rate
                else "",
                "manage_url": emailed_link_url(donation) if donation.frequency == "monthly" else "",
            }
            subject = render_to_string("donations/emails/receipt_subject.txt", context).strip()
            body = render_to_string("donations/emails/receipt.txt", context)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=sender(texts),
            to=[donation.email],
            reply_to=[section.contact_email] if section.contact_email else None,
        )
        message.send()
        payment.receipt_sent_at = timezone.now()
        payment.save(update_fields=["receipt_sent_at"])
    return True


@task()
def send_payment_failed(payment_id):
    """Tell a monthly donor that a month's payment failed, with a link to update the card, at most once per
    invoice (Stripe reports each retry that fails)."""
    from .models import Payment, PaymentStatus

    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
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
            subject = render_to_string("donations/emails/payment_failed_subject.txt", context).strip()
            body = render_to_string("donations/emails/payment_failed.txt", context)
        EmailMessage(
            subject=subject,
            body=body,
            from_email=sender(texts),
            to=[donation.email],
            reply_to=[section.contact_email] if section.contact_email else None,
        ).send()
        payment.failure_notice_sent_at = timezone.now()
        payment.save(update_fields=["failure_notice_sent_at"])
    return True


@task()
def send_manage_link(link_id, page_id, language):
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
        subject = render_to_string("donations/emails/manage_link_subject.txt", context).strip()
        body = render_to_string("donations/emails/manage_link.txt", context)
    EmailMessage(
        subject=subject,
        body=body,
        from_email=sender(texts),
        to=[link.supporter.email],
        reply_to=[section.contact_email] if section.contact_email else None,
    ).send()
    return True
