"""What a letter-writing page does with a visitor's POSTs: generate the letter, count it once sent, take a message.

The same views serve the action in a listed partner site's frame (petitions.embeds, `embed/` routes):
there the browser keeps no cookie, so nothing is kept in a session; the proof that this frame generated
the letter travels in the "I have sent my letter" form itself, signed and short-lived (EMBED_SENT_MAX_AGE).
"""

import base64
import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpResponseNotAllowed, HttpResponseNotFound, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Site

from sections.content_cache import cached
from sections.models import SectionSettings
from sections.texts import section_texts
from supporters import ratelimit
from supporters.actions import record_action
from supporters.captcha import captcha_missing
from supporters.models import ActionCount, ConsentRecord
from supporters.network import request_ip_hash

from ..embeds import embed_url
from .forms import EMBED_SENT_SALT, LetterForm, MessageForm, SentForm, letter_token, token_value
from .models import Letter, LetterState, split_paragraphs
from .pdf import letter_date, letter_pdf

logger = logging.getLogger(__name__)

SESSION_KEY = "letters:pending"
# The proofs of the letters this browser generated: "I have sent my letter" counts only these,
# as the page and the email say ("in this browser"). Kept after the letter is counted, so that a
# second click is answered as the first; the last few only.
GENERATED_KEY = "letters:generated"
GENERATED_KEPT = 20
# The message form shares a page with the letter form: its own prefix keeps field ids unique.
MESSAGE_PREFIX = "message"
# The tag of a sent message's confirmation, and the id of the element that shows it.
MESSAGE_SENT = "message-sent"
# The action in a partner's frame: its page, and how long its "I have sent my letter" stays valid
# (long enough to print, sign and post the letter with the frame left open; the proof is in the page only).
EMBED_TEMPLATE = "letters/letter_action_embed.html"
EMBED_SENT_MAX_AGE = 2 * 24 * 3600


def letter_limits(name):
    """Per address: letters written, letters said sent and messages, settings.LETTER_RATE_LIMITS[name]."""
    return [("ip", *settings.LETTER_RATE_LIMITS[name])]


def no_script_limits(name):
    """Without JavaScript (no proof of work), fewer from one address: settings.NO_SCRIPT_RATE_LIMITS."""
    return [("ip", *settings.NO_SCRIPT_RATE_LIMITS[name])]


def _section(request):
    site = Site.find_for_request(request)
    return site, (SectionSettings.for_request(request) if site else None)


def _route_url(page, request, name):
    return page.get_url(request) + page.reverse_subpage(name)


def _pending_tokens(request):
    # Only a visitor who already has a session has anything pending: others get no cookie, no Vary.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {}
    return request.session.get(SESSION_KEY, {})


def page_context(page, request):
    """Everything the page template needs besides the page itself (forms may be overridden by a route)."""
    site, section = _section(request)
    if not getattr(request, "is_preview", False):
        # The published letter and its versions change only with the page: kept with the content (a
        # preview shows the editor's unsaved versions instead).
        page.letter_texts = cached(
            ("letter-texts", page.pk, translation.get_language()), lambda: page.letter_texts
        )
    accepting = page.is_open and (section is None or section.letters_enabled)
    pending = _pending_tokens(request).get(str(page.translation_key))
    unavailable = captcha_missing(section) if accepting and section is not None else None
    # A message just sent: its confirmation takes the form's place, where the visitor is (and is theirs only).
    message_sent = any(MESSAGE_SENT in notice.tags for notice in messages.get_messages(request))
    request.letters_personal = getattr(request, "letters_personal", False) or message_sent
    context = {
        "message_sent": message_sent,
        "accepting_letters": accepting,
        "letter_count": page.count(),
        "letter_url": _route_url(page, request, "letter"),
        "sent_url": _route_url(page, request, "sent"),
        "message_url": _route_url(page, request, "message"),
        "approved_messages": page.approved_messages()[:12] if page.collect_messages else [],
        "pending_sent_form": SentForm(initial={"token": pending}) if pending else None,
        "forms_unavailable": unavailable,
    }
    if accepting and unavailable is None:
        context["letter_form"] = LetterForm(page=page, section=section)
        if page.collect_messages and not message_sent:
            context["message_form"] = MessageForm(section=section, prefix=MESSAGE_PREFIX)
    return context


def private_when_personal(request, response):
    """Responses that carry a visitor's data (their letter, their form, their session) are never cached."""
    if getattr(request, "letters_personal", False) or _pending_tokens(request):
        patch_cache_control(response, private=True, no_store=True)
    return response


def _embed_partner(request):
    """The listed partner whose frame this request comes from (petitions.embeds.embedded), or ""."""
    return getattr(request, "embed_partner", "")


def _back_to_page(page, request):
    """Where a GET of a form's address goes: the page, or in a partner's frame the frame's page."""
    partner = _embed_partner(request)
    return HttpResponseRedirect(embed_url(page, request, partner) if partner else page.get_url(request))


def _page(page, request, status=200, overrides=None):
    """The page, or in a partner's frame its embed, whose forms post to the frame's own routes."""
    overrides = overrides or {}
    partner = _embed_partner(request)
    template = None
    if partner:
        template = EMBED_TEMPLATE
        overrides = {
            "letter_url": embed_url(page, request, partner, "embed_letter"),
            "sent_url": embed_url(page, request, partner, "embed_sent"),
            # Nothing is kept between requests in a frame: no letter pending from before, no message form
            # (its confirmation needs a cookie); the messages are on the action's own page.
            "pending_sent_form": None,
            "message_form": None,
            **overrides,
        }
    response = page.render(request, template=template, context_overrides=overrides)
    response.status_code = status
    return response


def _render(page, request, status=200, **overrides):
    request.letters_personal = True
    return _page(page, request, status, overrides)


def embed_page(page, request):
    """The action and its letter form in a listed partner's frame."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _page(page, request)


def embed_thanks(page, request):
    """Where the frame lands once a letter is counted: the same for everyone, nothing personal in it."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _page(page, request, overrides={"letter_counted": True, "letter_form": None})


def _closed(page, request):
    return _render(
        page,
        request,
        status=410,
        action_error=_("This action has ended: no letter or message was created."),
    )


def _withheld(page, request):
    """The page without its forms (production without captcha keys): the reason is on the page."""
    return _render(page, request, status=503)


def generate_letter(page, request):
    if request.method != "POST":
        return _back_to_page(page, request)
    site, section = _section(request)
    if not (page.is_open and section.letters_enabled):
        return _closed(page, request)
    if captcha_missing(section):
        return _withheld(page, request)
    if not ratelimit.allow(request, "letters:generate", letter_limits("generate")):
        return ratelimit.too_many_requests(request)
    form = LetterForm(request.POST, page=page, section=section)
    if not form.is_valid():
        return _render(page, request, status=400, letter_form=form)
    if form.without_proof_of_work and not ratelimit.allow(
        request, "letters:generate-noscript", no_script_limits("letter")
    ):
        return ratelimit.too_many_requests(request)

    data = form.cleaned_data
    text = page.letter_texts[data["language"]]
    full_name = f"{data['first_name']} {data['last_name']}"
    paragraphs = split_paragraphs(data["personal_paragraph"])
    # The PDF is made before anything is written: if it failed, nothing would be half-saved.
    pdf = letter_pdf(
        text=text,
        sender_lines=[full_name, data["town"], data["country"]],
        town=data["town"],
        date_text=letter_date(text.language),
        personal_paragraph=paragraphs,
        signature=full_name,
        window=section.address_window,
    )
    language = page.locale.language_code
    letter = Letter(
        site=site,
        action=page,
        language=language,
        ip_hash=request_ip_hash(request),
        first_name=data["first_name"],
        last_name=data["last_name"],
        town=data["town"],
        country=data["country"],
        letter_language=text.language,
        personalised=bool(paragraphs),
        consent_version=ConsentRecord.version_of(form.consent_wording),
        outcome_news=bool(data["email"] and data.get("outcome_news")),
        partner=_embed_partner(request),
        attempt=form.attempt,
    )
    # Without an email the letter has no supporter, hence no consent lines; it is counted once sent.
    try:
        recorded = _record(letter, form)
    except IntegrityError:
        recorded = False  # the same attempt, stored at the same moment by a twin request
    if not recorded:
        # This form was sent before (its answer may never have arrived): the same letter, not a second.
        letter = Letter.objects.filter(attempt=form.attempt, action=page).first() if form.attempt else None
        if letter is None or not form.same_letter(letter) or letter.partner != _embed_partner(request):
            form.add_error(None, _("This form has expired. Please reload the page and try again."))
            return _render(page, request, status=409, letter_form=form)
    return _ready(page, request, letter, data, pdf, text, email=bool(data["email"]) and recorded)


def _record(letter, form):
    """Store the letter and its consent lines; False when its attempt was stored already."""
    data = form.cleaned_data
    site, language = letter.site, letter.language
    return record_action(
        letter,
        ConsentRecord.asked(
            site,
            language,
            form.consent_wording,
            newsletter_wording=form.newsletter_wording if "newsletter" in form.fields else "",
            newsletter=data.get("newsletter"),
            also=ConsentRecord.action_news(data.get("outcome_news"), form.outcome_news_wording),
        ),
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
    )


def _ready(page, request, letter, data, pdf, text, email):
    """The letter's PDF handed to the browser (and emailed, when asked and `email`), with its "sent" form."""
    full_name = f"{data['first_name']} {data['last_name']}"
    filename = f"{slugify(page.title) or 'letter'}-{text.language}.pdf"
    emailed, email_failed = letter.emailed, False
    if email:
        try:
            _email_letter(page, data["email"], full_name, pdf, filename)
            emailed = True
            Letter.objects.filter(pk=letter.pk).update(emailed=True)
        except OSError:
            logger.exception("Could not email letter %s", letter.pk)
            email_failed = True

    if letter.partner:
        token = letter_token(letter, salt=EMBED_SENT_SALT)
    else:
        token = letter_token(letter)
        pending = dict(request.session.get(SESSION_KEY, {}))
        pending[str(page.translation_key)] = token
        request.session[SESSION_KEY] = pending
        generated = [kept for kept in request.session.get(GENERATED_KEY, []) if kept != token]
        request.session[GENERATED_KEY] = [*generated, token][-GENERATED_KEPT:]
    return _render(
        page,
        request,
        ready={
            "pdf_data_url": "data:application/pdf;base64," + base64.b64encode(pdf).decode(),
            "filename": filename,
            "size_kb": max(len(pdf) // 1024, 1),
            "language": text.label,
            "emailed": emailed,
            "email_failed": email_failed,
        },
        pending_sent_form=SentForm(initial={"token": token}),
        letter_form=None,
    )


def _email_letter(page, address, full_name, pdf, filename):
    """Sends the PDF at once, from memory: it is never queued or stored (a task queue would keep a copy)."""
    with translation.override(page.locale.language_code):
        subject = _("Your letter: %(title)s") % {"title": page.title}
        context = {
            "page": page,
            "full_name": full_name,
            "section_texts": section_texts(page.get_site(), page.locale.language_code),
        }
        body = render_to_string("letters/email/letter.txt", context)
    message = EmailMessage(subject, body, to=[address])
    message.attach(filename, pdf, "application/pdf")
    message.send()


def _forged(page, request):
    return _render(
        page,
        request,
        status=400,
        action_error=_(
            "We could not find a letter prepared on this page in this browser, so nothing was counted."
        ),
    )


def _expired(page, request):
    return _render(
        page,
        request,
        status=400,
        action_error=_(
            "This page was open too long to count your letter, so nothing was counted. If you have not "
            "posted it yet, please prepare it again."
        ),
    )


def _posted_token(request):
    """The letter's token (a UUID) that the "I have sent my letter" form proves was generated here, else None.

    On our pages the proof must be one this browser's session was given: a valid proof from another
    browser (copied, shared, or someone else's) counts nothing. In a partner's frame there is no
    session: the proof, given only in the page that showed the letter, must be recent.
    """
    form = SentForm(request.POST)
    posted = form.cleaned_data["token"] if form.is_valid() else ""
    if _embed_partner(request):
        value = token_value(posted, salt=EMBED_SENT_SALT, max_age=EMBED_SENT_MAX_AGE)
    elif settings.SESSION_COOKIE_NAME in request.COOKIES and posted in request.session.get(GENERATED_KEY, []):
        value = token_value(posted)
    else:
        value = None
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def letter_sent(page, request):
    """Counts a generated letter as sent, once: a conditional UPDATE, so a double click counts once."""
    if request.method != "POST":
        return _back_to_page(page, request)
    if not ratelimit.allow(request, "letters:sent", letter_limits("sent")):
        return ratelimit.too_many_requests(request)
    try:
        token = _posted_token(request)
    except signing.SignatureExpired:
        return _expired(page, request)
    if token is None:
        return _forged(page, request)
    partner = _embed_partner(request)
    with transaction.atomic():
        letter = Letter.objects.filter(
            token=token, action__translation_key=page.translation_key, partner=partner
        ).first()
        if letter is None:
            return _forged(page, request)
        counted = Letter.objects.filter(pk=letter.pk, state=LetterState.GENERATED).update(
            state=LetterState.SENT, sent_at=timezone.now()
        )
        if counted:
            ActionCount.increment(page.translation_key)
    if partner:
        return HttpResponseRedirect(embed_url(page, request, partner, "embed_thanks"), status=303)
    pending = dict(request.session.get(SESSION_KEY, {}))
    if pending.pop(str(page.translation_key), None) is not None:
        request.session[SESSION_KEY] = pending
    messages.success(request, _("Thank you! Your letter is counted."), extra_tags="letters")
    return HttpResponseRedirect(page.get_url(request) + "#count", status=303)


def post_message(page, request):
    if not page.collect_messages:
        return HttpResponseNotFound()
    if request.method != "POST":
        return HttpResponseRedirect(page.get_url(request))
    site, section = _section(request)
    if not (page.is_open and section.letters_enabled):
        return _closed(page, request)
    if captcha_missing(section):
        return _withheld(page, request)
    if not ratelimit.allow(request, "letters:message", letter_limits("message")):
        return ratelimit.too_many_requests(request)
    form = MessageForm(request.POST, section=section, prefix=MESSAGE_PREFIX)
    if not form.is_valid():
        return _render(page, request, status=400, message_form=form)
    if form.without_proof_of_work and not ratelimit.allow(
        request, "letters:message-noscript", no_script_limits("message")
    ):
        return ratelimit.too_many_requests(request)
    with transaction.atomic():
        message = form.save(commit=False)
        message.site = site
        message.action = page
        message.language = page.locale.language_code
        message.ip_hash = request_ip_hash(request)
        message.consent_version = ConsentRecord.version_of(str(form.fields["consent"].label))
        message.save()
    messages.success(
        request,
        _("Thank you! Your message will be read by our team before it is delivered."),
        extra_tags=f"letters {MESSAGE_SENT}",
    )
    return HttpResponseRedirect(page.get_url(request) + f"#{MESSAGE_SENT}", status=303)
