"""Background tasks (django-tasks): the emails of a join, in the language the person joined in."""

from django_tasks import task

from sections.emails import section_email
from supporters import delivery
from supporters.models import EmailKind

from .models import JoinPage, Membership, MembershipState

EMAIL_KINDS = {
    "confirm": EmailKind.MEMBERSHIP_CONFIRM,
    "duplicate": EmailKind.MEMBERSHIP_DUPLICATE,
    "welcome": EmailKind.MEMBERSHIP_WELCOME,
    "coordinator": EmailKind.MEMBERSHIP_COORDINATOR,
}


@task()
def send_membership_email(membership_id, kind, attempt=1):
    """`confirm`: the double opt-in link. `duplicate`: this address had already joined. `welcome`: after
    confirmation, from the section. `coordinator`: to the local group's address, with only what the
    person agreed to share.

    Dropped if the person was erased meanwhile, or (a link) once the membership is no longer pending;
    a refused send is retried (supporters.delivery)."""
    from .joining import confirmation_url
    from .views import fee_url

    if kind not in EMAIL_KINDS:
        raise ValueError(f"Unknown membership email: {kind}")
    membership = (
        Membership.objects.select_related("supporter", "site", "group").filter(pk=membership_id).first()
    )
    if membership is None or membership.supporter.erased_at or not membership.supporter.email:
        return False
    if kind == "confirm" and membership.state != MembershipState.PENDING:
        return False
    page = membership.join_page or (
        JoinPage.objects.filter(translation_key=membership.join_page_key).order_by("pk").first()
    )
    if kind == "coordinator":
        if membership.group is None:
            return False
        to = [membership.group.contact_email]
    else:
        to = [membership.supporter.email]
    message = section_email(
        membership.site,
        membership.language,
        f"membership/emails/{kind}",
        lambda: {
            "membership": membership,
            "page": page.specific if page else None,
            "page_url": page.get_full_url() if page else membership.site.root_url,
            "group": membership.group,
            "fee_url": fee_url(membership, page.specific if page else None),
            "confirm_url": confirmation_url(membership)
            if membership.state == MembershipState.PENDING
            else "",
        },
        to=to,
    )
    return delivery.send(
        message,
        task=send_membership_email,
        args=(membership_id, kind),
        attempt=attempt,
        supporter=membership.supporter,
        kind=EMAIL_KINDS[kind],
    )
