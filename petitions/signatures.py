"""Recording and confirming signatures: one transaction each, counts changed only by atomic increments."""

from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from supporters import ratelimit
from supporters.models import ActionCount, ConsentRecord, Supporter

from .models import Signature, SignatureState

CONFIRMATION_SALT = "petitions.signature.confirm"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600  # a week to find the email and click
# A duplicate signing sends at most one "you already signed" email per signature in this window,
# so nobody can flood a stranger's mailbox by signing with their address.
DUPLICATE_EMAIL_WINDOW = 3600


def confirmation_token(signature_id):
    """A signed, timestamped token naming only the signature's id (no email, nothing personal)."""
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(str(signature_id))


def signature_id_from_token(token):
    """The signature id in `token`; raises signing.SignatureExpired or signing.BadSignature."""
    value = signing.TimestampSigner(salt=CONFIRMATION_SALT).unsign(token, max_age=CONFIRMATION_MAX_AGE)
    return int(value)


def confirmation_url(signature):
    with translation.override(signature.language):
        path = reverse("petitions:confirm", kwargs={"token": confirmation_token(signature.pk)})
    return signature.site.root_url + path


def insert_unless_signed(signature):
    """INSERT the signature unless its supporter already signed this petition; returns the new id or None.

    One statement (ON CONFLICT DO NOTHING RETURNING id): the unique constraint decides, even under
    concurrent signings, without an exception or a savepoint.
    """
    fields = [field for field in Signature._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    values = [field.get_db_prep_save(field.pre_save(signature, add=True), connection) for field in fields]
    sql = "INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING RETURNING {pk}".format(
        table=quote(Signature._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        placeholders=", ".join(["%s"] * len(fields)),
        pk=quote(Signature._meta.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    signature.pk = row[0]
    signature._state.adding = False
    return signature.pk


def record_signature(petition, section, site, data, language, ip_hash):
    """Store a signature and its consents; returns the new Signature, or None if this person had signed.

    Both outcomes look the same to the visitor; the existing signer is told by email.
    One transaction of four statements: supporter, signature, consents, then the count or the email task.
    """
    from .tasks import send_signature_email

    double_opt_in = section.double_opt_in
    with transaction.atomic():
        supporter_id = Supporter.pk_for_email(site, data["email"], data["first_name"], data["last_name"])
        now = timezone.now()
        signature = Signature(
            site=site,
            supporter_id=supporter_id,
            language=language,
            ip_hash=ip_hash,
            petition_key=petition.translation_key,
            petition=petition,
            first_name=data["first_name"],
            last_name=data["last_name"],
            country=data["country"],
            postal_code=data.get("postal_code", ""),
            newsletter=data.get("newsletter", False),
            state=SignatureState.PENDING if double_opt_in else SignatureState.CONFIRMED,
            confirmed_at=None if double_opt_in else now,
        )
        if insert_unless_signed(signature) is None:
            existing = (
                Signature.objects.filter(petition_key=petition.translation_key, supporter_id=supporter_id)
                .values_list("pk", flat=True)
                .first()
            )
            if existing is not None and ratelimit.hit(
                f"petition-duplicate-email:{existing}", 1, DUPLICATE_EMAIL_WINDOW
            ):
                send_signature_email.enqueue(existing, "duplicate")
            return None

        ConsentRecord.record(
            supporter_id,
            site,
            f"petitions.signature:{signature.pk}",
            language,
            data["consent_wording"],
            newsletter_wording=data.get("newsletter_wording", ""),
            newsletter=data.get("newsletter"),
            at=now,
        )
        if double_opt_in:
            # Enqueued inside the transaction: with the database queue the task row commits
            # with the signature (never one without the other).
            send_signature_email.enqueue(signature.pk, "confirm")
        else:
            ActionCount.increment(petition.translation_key)
    return signature


def confirm_signature(signature):
    """Mark a pending signature confirmed and count it; True only for the call that changed it.

    The conditional UPDATE makes a double click, or two clicks at once, count once:
    PostgreSQL re-checks `state = pending` after the first transaction commits.
    """
    with transaction.atomic():
        changed = Signature.objects.filter(pk=signature.pk, state=SignatureState.PENDING).update(
            state=SignatureState.CONFIRMED, confirmed_at=timezone.now()
        )
        if changed == 1:
            ActionCount.increment(signature.petition_key)
    return changed == 1
