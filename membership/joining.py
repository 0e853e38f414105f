"""Recording and confirming a join: one membership per person and section, counted once confirmed."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from supporters.actions import record_action
from supporters.confirmation import ConfirmationLink, confirm_pending, tell_repeat
from supporters.models import ConsentPurpose, ConsentRecord

from .models import Membership, MembershipState

CONFIRMATION_LINK = ConfirmationLink("membership.join.confirm")


def confirmation_url(membership):
    with translation.override(membership.language):
        path = reverse("membership:confirm", kwargs={"token": CONFIRMATION_LINK.token(membership.pk)})
    return membership.site.root_url + path


def record_join(page, site, data, language, ip_hash):
    """Store a pending membership and its consents; returns its id, or None if this person had joined.

    Both outcomes look the same to the visitor; the person who had joined is told by email. The
    confirmation email's task is queued with the membership (`record_action`'s `then`), so neither
    exists without the other.
    Always with double opt-in: a membership reaches a local group's coordinator.
    """
    from .tasks import send_membership_email

    now = timezone.now()
    group = data.get("group")
    membership = Membership(
        site=site,
        language=language,
        ip_hash=ip_hash,
        join_page_key=page.translation_key,
        join_page_id=page.pk,
        way=data["way"],
        group_id=group.pk if group else None,
        group_key=group.translation_key if group else None,
        first_name=data["first_name"],
        last_name=data["last_name"],
        town=data["town"],
        phone=data.get("phone", ""),
        age_bracket=data.get("age_bracket", ""),
        share_with_group=bool(group and data.get("share_with_group")),
        newsletter=data.get("newsletter", False),
        state=MembershipState.PENDING,
        confirmed_at=None,
    )
    also = []
    if group:
        also.append(
            (ConsentPurpose.GROUP_CONTACT, data.get("share_with_group"), data["group_contact_wording"])
        )
    consents = ConsentRecord.asked(
        site,
        language,
        data["consent_wording"],
        newsletter_wording=data.get("newsletter_wording", ""),
        newsletter=data.get("newsletter"),
        at=now,
        also=also,
    )
    recorded = record_action(
        membership,
        consents,
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        then=(send_membership_email, "confirm"),
    )
    if not recorded:
        stored = Membership.objects.filter(site=site, supporter_id=membership.supporter_id)
        tell_repeat(stored, send_membership_email, "membership")
        return None
    return membership.pk


def confirm_membership(membership):
    """Confirm a pending membership, count it, and send the welcome and the coordinator's emails, once."""
    from .tasks import send_membership_email

    with transaction.atomic():
        changed = confirm_pending(Membership.objects.filter(pk=membership.pk), membership.join_page_key)
        if changed:
            send_membership_email.enqueue(membership.pk, "welcome")
            if membership.group_id:
                send_membership_email.enqueue(membership.pk, "coordinator")
    return changed
