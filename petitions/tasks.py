"""Background tasks (django-tasks): the emails a signer receives, in the petition's language."""

from django_tasks import task

from sections.emails import section_email
from supporters import delivery
from supporters.models import EmailKind

from .models import PetitionPage, Signature, SignatureState

EMAIL_KINDS = {"confirm": EmailKind.SIGNATURE_CONFIRM, "duplicate": EmailKind.SIGNATURE_DUPLICATE}


@task()
def send_signature_email(signature_id, kind, attempt=1):
    """`confirm`: the double opt-in link. `duplicate`: this address had already signed (pending or not).

    Dropped if the signer was erased meanwhile, or (a link) once the signature is no longer pending;
    a refused send is retried (supporters.delivery).
    """
    from .signatures import confirmation_url

    if kind not in EMAIL_KINDS:
        raise ValueError(f"Unknown signature email: {kind}")
    signature = Signature.objects.select_related("supporter", "site").filter(pk=signature_id).first()
    if signature is None or signature.supporter.erased_at or not signature.supporter.email:
        return False
    if kind == "confirm" and signature.state != SignatureState.PENDING:
        return False
    petition = signature.petition or (
        PetitionPage.objects.filter(translation_key=signature.petition_key).order_by("pk").first()
    )
    message = section_email(
        signature.site,
        signature.language,
        f"petitions/emails/{kind}",
        lambda: {
            "signature": signature,
            "petition": petition.specific if petition else None,
            "petition_title": petition.title if petition else "",
            "petition_url": petition.get_full_url() if petition else signature.site.root_url,
            "confirm_url": confirmation_url(signature) if signature.state == SignatureState.PENDING else "",
        },
        to=[signature.supporter.email],
    )
    return delivery.send(
        message,
        task=send_signature_email,
        args=(signature_id, kind),
        attempt=attempt,
        supporter=signature.supporter,
        kind=EMAIL_KINDS[kind],
    )
