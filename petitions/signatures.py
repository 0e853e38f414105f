"""Recording and confirming signatures: each atomic, counts changed only by atomic increments."""

from django.urls import reverse
from django.utils import timezone, translation

from supporters.actions import record_action
from supporters.confirmation import ConfirmationLink, confirm_pending, tell_repeat
from supporters.models import ConsentRecord

from .models import Signature, SignatureState

CONFIRMATION_SALT = "petitions.signature.confirm"
CONFIRMATION_LINK = ConfirmationLink(CONFIRMATION_SALT)
CONFIRMATION_MAX_AGE = CONFIRMATION_LINK.max_age


def confirmation_token(signature_id):
    """A signed, timestamped token naming only the signature's id (no email, nothing personal)."""
    return CONFIRMATION_LINK.token(signature_id)


def signature_id_from_token(token):
    """The signature id in `token`; raises signing.SignatureExpired or signing.BadSignature."""
    return CONFIRMATION_LINK.row_id(token)


def confirmation_url(signature):
    with translation.override(signature.language):
        path = reverse("petitions:confirm", kwargs={"token": confirmation_token(signature.pk)})
    return signature.site.root_url + path


def record_signature(petition, section, site, data, language, ip_hash, double_opt_in=None, partner=""):
    """Store a signature and its consents; returns the new signature's id, or None if this person had signed.

    Both outcomes look the same to the visitor; the existing signer is told by email.
    `double_opt_in` is the section's setting unless given (a signature sent without JavaScript needs it).
    `partner` is the listed partner site whose embed it came through (petitions.embeds), if any.
    Without double opt-in the signature counts at once. With it, the confirmation email's task is
    queued with the signature (`record_action`'s `then`), so neither exists without the other.
    """
    from .tasks import send_signature_email

    if double_opt_in is None:
        double_opt_in = section.double_opt_in
    now = timezone.now()
    signature = Signature(
        site=site,
        language=language,
        ip_hash=ip_hash,
        petition_key=petition.translation_key,
        petition_id=petition.pk,
        first_name=data["first_name"],
        last_name=data["last_name"],
        country=data["country"],
        postal_code=data.get("postal_code", ""),
        newsletter=data.get("newsletter", False),
        outcome_news=bool(data.get("outcome_news")),
        partner=partner,
        state=SignatureState.PENDING if double_opt_in else SignatureState.CONFIRMED,
        confirmed_at=None if double_opt_in else now,
    )
    consents = ConsentRecord.asked(
        site,
        language,
        data["consent_wording"],
        newsletter_wording=data.get("newsletter_wording", ""),
        newsletter=data.get("newsletter"),
        at=now,
        also=ConsentRecord.action_news(data.get("outcome_news"), data.get("outcome_news_wording", "")),
    )
    recorded = record_action(
        signature,
        consents,
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        count_key=None if double_opt_in else petition.translation_key,
        then=(send_signature_email, "confirm") if double_opt_in else None,
    )
    if not recorded:
        stored = Signature.objects.filter(
            petition_key=petition.translation_key, supporter_id=signature.supporter_id
        )
        tell_repeat(stored, send_signature_email, "petition")
        return None
    return signature.pk


def confirm_signature(signature):
    """Mark a pending signature confirmed and count it; True only for the call that changed it."""
    return confirm_pending(Signature.objects.filter(pk=signature.pk), signature.petition_key)
