"""Who hears of an outcome (opted in, confirmed, not erased), their one email, and withdrawing the opt-in."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from petitions.letters.models import Letter, LetterActionPage, LetterState
from petitions.models import PetitionPage, Signature, SignatureState
from prisoners.models import PrisonerRecord, PrisonerStatus
from sections.dates import long_date
from sections.models import SectionSettings
from sections.texts import section_texts
from supporters.confirmation import ConfirmationLink
from supporters.models import ConsentPurpose, ConsentRecord

from .models import ActionOutcome, OutcomeEmail, OutcomeKind

# An unsubscribe link must keep working as long as the emails that carry it are read: no expiry.
UNSUBSCRIBE_LINK = ConfirmationLink("outcomes.unsubscribe", max_age=None)
ACTION_PAGES = (PetitionPage, LetterActionPage)


def action_keys(outcome):
    """The translation groups of the actions an outcome concerns (every action naming the person)."""
    if outcome.kind == OutcomeKind.UPDATE:
        return {outcome.action_key}
    records = PrisonerRecord.objects.filter(translation_key=outcome.record_key)
    return {
        key
        for model in ACTION_PAGES
        for key in model.objects.filter(prisoners__in=records).values_list("translation_key", flat=True)
    }


def opted_in_rows(keys, language=""):
    """The confirmed signatures and sent letters of `keys` whose writer asked for news and was not erased."""
    signatures = Signature.objects.filter(
        petition_key__in=keys, state=SignatureState.CONFIRMED, outcome_news=True, supporter__erased_at=None
    )
    letters = Letter.objects.filter(
        action__translation_key__in=keys,
        state=LetterState.SENT,
        outcome_news=True,
        supporter__isnull=False,
        supporter__erased_at=None,
    )
    if language:
        signatures, letters = signatures.filter(language=language), letters.filter(language=language)
    rows = [(row.created_at, row.supporter_id, row.language, row.petition_key) for row in signatures]
    rows += [
        (row.created_at, row.supporter_id, row.language, row.action.translation_key)
        for row in letters.select_related("action")
    ]
    return sorted(rows)


def recipients(outcome):
    """{supporter id: (language, action key)}: each person once, in the language of their first action."""
    chosen = {}
    for _created, supporter_id, language, key in opted_in_rows(action_keys(outcome), outcome.language):
        chosen.setdefault(supporter_id, (language, key))
    return chosen


def queue_emails(outcome):
    """Queues one email per recipient who has none for this outcome yet; returns how many were queued.

    The row is written with its task, in one transaction: a replay, or a second worker at once, finds
    the row and queues nothing. Each email's task retries a refused send (supporters.delivery).
    """
    from .tasks import send_outcome_email

    queued = 0
    for supporter_id, (language, key) in recipients(outcome).items():
        try:
            with transaction.atomic():
                email = OutcomeEmail.objects.create(
                    outcome=outcome, supporter_id=supporter_id, language=language, action_key=key
                )
                send_outcome_email.enqueue(email.pk)
        except IntegrityError:
            continue
        queued += 1
    return queued


def in_language(queryset, language):
    """The row of `queryset` (one translation group) in `language`, else its first one."""
    return queryset.filter(locale__language_code=language).first() or queryset.order_by("pk").first()


def action_page(key, language):
    for model in ACTION_PAGES:
        page = in_language(model.objects.live().filter(translation_key=key), language)
        if page is not None:
            return page
    return None


def unsubscribe_url(email, site):
    with translation.override(email.language):
        path = reverse("outcomes:unsubscribe", kwargs={"token": UNSUBSCRIBE_LINK.token(email.pk)})
    return site.root_url + path


def message(email):
    """The email of an outcome to one supporter, in their language, with its unsubscribe headers."""
    supporter, outcome = email.supporter, email.outcome
    site = supporter.site
    section = SectionSettings.for_site(site)
    page = action_page(email.action_key, email.language)
    unsubscribe = unsubscribe_url(email, site)
    with translation.override(email.language):
        context = {
            "outcome": outcome,
            "title": page.title if page else "",
            "action_url": page.get_full_url() if page else site.root_url,
            "unsubscribe_url": unsubscribe,
            "section_texts": section_texts(site, email.language),
        }
        if outcome.kind != OutcomeKind.UPDATE:
            record = in_language(
                PrisonerRecord.objects.filter(translation_key=outcome.record_key), email.language
            )
            context["name"] = record.full_name if record else ""
            context["status"] = str(PrisonerStatus(outcome.status).label)
            if outcome.kind == OutcomeKind.SENTENCED and record:
                context["sentenced_on"] = long_date(record.sentenced_on, email.language)
                context["sentence"] = record.sentence
            if outcome.kind == OutcomeKind.TRANSFERRED:
                # The place as the original record names it: its translation may not be done yet.
                context["place"] = outcome.text
        subject = render_to_string("outcomes/emails/outcome_subject.txt", context)
        body = render_to_string("outcomes/emails/outcome_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[supporter.email],
        reply_to=[section.contact_email] if section and section.contact_email else None,
        # RFC 2369 and RFC 8058: mail programs offer their own button, which POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def withdraw(email, wording_for):
    """Withdraws the news of every action the email was about, with a consent line per action; returns
    how many actions stopped sending news (0 when the link was used before).

    `wording_for(language)`: the words the person read on the button, in the language of each action.
    """
    keys = action_keys(email.outcome)
    rows = [
        *Signature.objects.filter(supporter_id=email.supporter_id, petition_key__in=keys, outcome_news=True),
        *Letter.objects.filter(
            supporter_id=email.supporter_id, action__translation_key__in=keys, outcome_news=True
        ),
    ]
    with transaction.atomic():
        withdrawn = []
        for row in rows:
            # Conditional: two clicks at once write one line per action.
            if type(row).objects.filter(pk=row.pk, outcome_news=True).update(outcome_news=False):
                withdrawn.append(row)
        site = email.supporter.site
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                supporter_id=email.supporter_id,
                site=site,
                purpose=ConsentPurpose.ACTION_NEWS,
                granted=False,
                wording=wording_for(row.language),
                wording_version=ConsentRecord.version_of(wording_for(row.language)),
                language=row.language,
                action=f"{row._meta.label_lower}:{row.pk}",
            )
            for row in withdrawn
        )
    return len(withdrawn)


def announce(outcome_fields):
    """Stores an outcome and queues its emails (called once the change is committed)."""
    from .tasks import queue_outcome_emails

    outcome = ActionOutcome.objects.create(**outcome_fields)
    queue_outcome_emails.enqueue(outcome.pk)
    return outcome
