"""Letter-writing actions and the letters and solidarity messages they collect."""

import uuid

from django import forms
from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import BodyBlock
from prisoners.forms import PrisonerRecordsPageForm
from prisoners.models import first_portrait
from sections.view_restrictions import CachedViewRestrictions
from supporters.encryption import EncryptedCharField, EncryptedTextField
from supporters.models import RetentionPurpose, Supporter, SupporterAction
from supporters.retention import end_of_day, ended_groups, months_before

from .pdf import AddressDoesNotFit, check_address_fits

# Languages an editor may offer a letter in: any language Django knows (the
# addressee's languages are not the site's: Russian, Belarusian, English…).
LETTER_LANGUAGES = sorted(global_settings.LANGUAGES, key=lambda item: item[0])


def check_envelope_window(lines, field):
    """A ValidationError on `field` when the addressee lines, as printed, do not fit the envelope window."""
    try:
        check_address_fits(lines)
    except AddressDoesNotFit as error:
        raise ValidationError(
            {
                field: _(
                    "This address does not fit the envelope window, even in small print: once printed it "
                    "takes %(printed)d lines, and the window holds %(max)d. Please shorten its lines or "
                    "leave some out."
                )
                % {"printed": error.printed_lines, "max": error.max_lines}
            }
        ) from error


def language_label(code):
    """A language's own name (Русский, Беларуская, English) for the visitor's choice."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


class LetterActionPage(CachedViewRestrictions, RoutablePageMixin, Page):
    """A model letter to an authority that visitors personalise, print and post."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("background"))
    campaign = models.CharField(
        _("campaign"), max_length=120, blank=True, help_text=_("e.g. the yearly letter-writing marathon")
    )
    prisoners = ParentalManyToManyField(
        "prisoners.PrisonerRecord", verbose_name=_("prisoner records"), blank=True, related_name="+"
    )
    # Addressee: printed in the envelope window, whatever the letter's language.
    addressee_name = models.CharField(_("addressee's name"), max_length=120, blank=True)
    addressee_title = models.CharField(_("addressee's title"), max_length=120)
    addressee_address = models.TextField(
        _("postal address"),
        help_text=_("One line per line, as it goes on the envelope, without the country."),
    )
    addressee_country = models.CharField(_("country"), max_length=80)
    # The model letter in the page's language.
    salutation = models.CharField(_("salutation"), max_length=200)
    letter_body = models.TextField(_("letter"), help_text=_("Separate paragraphs with an empty line."))
    closing = models.CharField(_("closing"), max_length=300)
    # Guidance for the visitor.
    postage = models.CharField(
        _("postage"), max_length=200, blank=True, help_text=_("e.g. CHF 2.50 (A-Post)")
    )
    post_by = models.DateField(_("post by"), null=True, blank=True)
    where_to_post = models.TextField(_("where to post"), blank=True)
    tone = models.TextField(_("tone"), blank=True, help_text=_("Advice on writing a personal paragraph."))
    goal = models.PositiveIntegerField(_("goal (letters sent)"), default=100)
    closes_on = models.DateField(
        _("closing date"), null=True, blank=True, help_text=_("Last day on which letters can be generated.")
    )
    collect_messages = models.BooleanField(_("collect solidarity messages to the prisoner"), default=False)
    messages_intro = models.TextField(_("solidarity messages introduction"), blank=True)
    outcome = models.TextField(
        _("outcome"),
        blank=True,
        help_text=_(
            "What this action achieved, shown on the page. Publishing a changed outcome emails it to the "
            "letter writers of this language who asked for news of this action."
        ),
    )

    base_form_class = PrisonerRecordsPageForm

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("campaign"),
        FieldPanel("prisoners", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        FieldPanel("outcome"),
        MultiFieldPanel(
            [
                FieldPanel("addressee_name"),
                FieldPanel("addressee_title"),
                FieldPanel("addressee_address"),
                FieldPanel("addressee_country"),
            ],
            heading=_("Addressee"),
        ),
        MultiFieldPanel(
            [FieldPanel("salutation"), FieldPanel("letter_body"), FieldPanel("closing")],
            heading=_("Model letter in this page's language"),
        ),
        InlinePanel("letter_versions", label=_("Letter in another language the addressee reads")),
        MultiFieldPanel(
            [FieldPanel("postage"), FieldPanel("post_by"), FieldPanel("where_to_post"), FieldPanel("tone")],
            heading=_("Guidance"),
        ),
        MultiFieldPanel(
            [FieldPanel("goal"), FieldPanel("closes_on")],
            heading=_("Goal and closing date"),
        ),
        MultiFieldPanel(
            [FieldPanel("collect_messages"), FieldPanel("messages_intro")],
            heading=_("Solidarity messages"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("letter_body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "letters/letter_action_page.html"

    class Meta:
        verbose_name = _("letter-writing action")

    def clean(self):
        super().clean()
        check_envelope_window(self.address_lines(), "addressee_address")

    # --- What the visitor is offered --------------------------------------------
    @property
    def is_open(self):
        return self.live and (self.closes_on is None or self.closes_on >= timezone.localdate())

    @cached_property
    def letter_texts(self):
        """{language code: LetterText}, the page's own language first."""
        texts = {self.locale.language_code: LetterText.from_page(self)}
        for version in self.letter_versions.all():
            texts.setdefault(version.language, LetterText.from_version(self, version))
        return texts

    def language_choices(self):
        return [(code, language_label(code)) for code in self.letter_texts]

    def address_lines(self):
        """The addressee block for the envelope window."""
        lines = [self.addressee_name, self.addressee_title]
        lines += self.addressee_address.splitlines()
        lines.append(self.addressee_country.upper())
        return [line.strip() for line in lines if line.strip()]

    def count(self):
        from supporters.models import ActionCount

        return ActionCount.total_for(self.translation_key)

    def action_progress(self, count):
        """(target, text) for the action's card on the home page (home.actions)."""
        from petitions.templatetags.petition_tags import grouped

        text = ngettext("%(count)s letter sent of %(goal)s", "%(count)s letters sent of %(goal)s", count) % {
            "count": grouped(count),
            "goal": grouped(self.goal),
        }
        return self.goal, text

    def share_image(self):
        """The first image of the page's body, else the portrait of a person it concerns (sections.sharing)."""
        from sections.sharing import first_stream_image

        return first_stream_image(self.body) or first_portrait(self.prisoners.all())

    def approved_messages(self):
        """Approved solidarity messages from every translation of this action (never pending ones)."""
        # An erased message (by its author's request or at the end of its retention) is not shown blank.
        return (
            SolidarityMessage.objects.filter(
                action__translation_key=self.translation_key, status=MessageStatus.APPROVED
            )
            .exclude(text="")
            .order_by("-moderated_at", "-pk")
        )

    # --- Serving: every form posts to a route of the page itself ----------------------
    def serve(self, request, *args, **kwargs):
        from . import views

        if request.method == "POST":
            request.letters_personal = True
        response = super().serve(request, *args, **kwargs)
        return views.private_when_personal(request, response)

    def get_context(self, request, *args, **kwargs):
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.page_context(self, request))
        return context

    @path("share-card/", name="share_card")
    def share_card_view(self, request):
        """The picture a shared link to this action shows, in its language (petitions.share_cards)."""
        from ..share_cards import card_for, share_card_response

        return share_card_response(request, self, card_for(self, request, self.intro, self.count()))

    @path("counts/", name="counts")
    def counts_route(self, request):
        """The action's count of letters sent as public JSON (supporters.open_counts)."""
        from supporters.open_counts import open_counts_response

        return open_counts_response(request, ("letters", self.pk), lambda: self.open_counts(request))

    def open_counts(self, request):
        """What the page shows of its count: letters sent from every language, nothing personal."""
        from sections.models import SectionSettings
        from supporters.open_counts import action_state

        section = SectionSettings.for_request(request)
        return {
            "type": "letter",
            "title": self.title,
            "url": self.get_full_url(request),
            "count": self.count(),
            "goal": self.goal,
            "state": action_state(self.is_open and section.letters_enabled),
            "closes_on": self.closes_on.isoformat() if self.closes_on else None,
        }

    @path("letter/", name="letter")
    def letter_route(self, request):
        from . import views

        return views.generate_letter(self, request)

    @path("sent/", name="sent")
    def sent_route(self, request):
        from . import views

        return views.letter_sent(self, request)

    # --- In a listed partner site's frame (petitions.embeds): the same forms, posted to the frame ---------
    @path("embed/", name="embed")
    def embed_route(self, request):
        from . import views

        return self._embedded(request, views.embed_page)

    @path("embed/letter/", name="embed_letter")
    def embed_letter_route(self, request):
        from . import views

        return self._embedded(request, views.generate_letter)

    @path("embed/sent/", name="embed_sent")
    def embed_sent_route(self, request):
        from . import views

        return self._embedded(request, views.letter_sent)

    @path("embed/thanks/", name="embed_thanks")
    def embed_thanks_route(self, request):
        from . import views

        return self._embedded(request, views.embed_thanks)

    def _embedded(self, request, view):
        from ..embeds import embedded

        return embedded(request, self, lambda partner: view(self, request))

    @path("message/", name="message")
    def message_route(self, request):
        from . import views

        return views.post_message(self, request)


class LetterVersion(Orderable):
    """The model letter in another language the addressee reads (kept the same in every page translation)."""

    page = ParentalKey(LetterActionPage, on_delete=models.CASCADE, related_name="letter_versions")
    language = models.CharField(_("language"), max_length=8)
    salutation = models.CharField(_("salutation"), max_length=200)
    body = models.TextField(_("letter"), help_text=_("Separate paragraphs with an empty line."))
    closing = models.CharField(_("closing"), max_length=300)
    addressee = models.TextField(
        _("addressee block in this language"),
        blank=True,
        help_text=_("Optional: the addressee's name, title and address in this language, one line per line."),
    )

    panels = [
        FieldPanel("language", widget=forms.Select(choices=LETTER_LANGUAGES)),
        FieldPanel("salutation"),
        FieldPanel("body"),
        FieldPanel("closing"),
        FieldPanel("addressee"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("letter version")

    def clean(self):
        super().clean()
        if self.language not in dict(LETTER_LANGUAGES):
            raise ValidationError({"language": _("Choose a language from the list.")})
        lines = [line.strip() for line in self.addressee.splitlines() if line.strip()]
        if lines:
            # The page's country line is printed under it; a version added with a new page does
            # not know it yet, and a stand-in keeps its row.
            country = self.page.addressee_country if self.page_id else "—"
            check_envelope_window([*lines, country.upper()], "addressee")


class LetterText:
    """What goes in one letter: salutation, paragraphs, closing and the addressee block."""

    def __init__(self, language, salutation, body, closing, address_lines):
        self.language = language
        self.label = language_label(language)
        self.salutation = salutation.strip()
        self.paragraphs = split_paragraphs(body)
        self.closing = closing.strip()
        self.address_lines = address_lines

    @classmethod
    def from_page(cls, page):
        return cls(
            page.locale.language_code, page.salutation, page.letter_body, page.closing, page.address_lines()
        )

    @classmethod
    def from_version(cls, page, version):
        lines = [line.strip() for line in version.addressee.splitlines() if line.strip()]
        if lines:
            lines.append(page.addressee_country.upper())
        return cls(
            version.language, version.salutation, version.body, version.closing, lines or page.address_lines()
        )


def split_paragraphs(text):
    """Paragraphs separated by empty lines; single line breaks inside a paragraph become spaces."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n")]
    return [
        " ".join(line.strip() for line in block.splitlines() if line.strip())
        for block in blocks
        if block.strip()
    ]


# --- What visitors leave --------------------------------------------------------------
def ended_letter_actions(site, section, now):
    """Translation keys of the section's letter-writing actions closed longer ago than its retention
    period for letter writers (an action without a closing date is still running)."""
    from sections.trees import in_sections

    pages = LetterActionPage.objects.filter(in_sections([site])).only("translation_key", "closes_on")
    return ended_groups(
        pages,
        lambda page: end_of_day(page.closes_on, section.zone) if page.closes_on else None,
        months_before(now, section.letter_writers_retention_months),
    )


class LetterState(models.TextChoices):
    GENERATED = "generated", _("Generated")
    SENT = "sent", _("Sent")


class Letter(SupporterAction):
    """One letter generated by a visitor; counted once its writer says it was posted.

    The PDF itself is never stored: only who wrote it (for the section's
    records) and its state. `token` is the secret that proves, in a signed
    form, that this browser generated it.
    """

    personal_fields = ("first_name", "last_name", "town", "country")
    # An erased or expired letter writer hears no more of the action.
    erased_values = {"outcome_news": False}

    # A letter can be written without an email address: the supporter is known only when one is given.
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    action = models.ForeignKey(
        LetterActionPage, verbose_name=_("action"), on_delete=models.PROTECT, related_name="letters"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The filling of the form it came from (LetterForm.attempt): the same form sent again is this letter.
    attempt = models.CharField(
        _("attempt"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # Encrypted with the section's key, like every personal field (supporters.encryption).
    first_name = EncryptedCharField(_("first name"), max_length=60)
    last_name = EncryptedCharField(_("last name"), max_length=60)
    town = EncryptedCharField(_("town"), max_length=80)
    country = EncryptedCharField(_("country"), max_length=60)
    letter_language = models.CharField(_("language of the letter"), max_length=8)
    personalised = models.BooleanField(_("personal paragraph added"), default=False)
    emailed = models.BooleanField(_("emailed to the writer"), default=False)
    # Asked for news of what this action achieves (outcomes); the consent ledger keeps the wording.
    outcome_news = models.BooleanField(_("news of this action"), default=False)
    consent_version = models.CharField(_("consent wording version"), max_length=64, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=LetterState.choices, default=LetterState.GENERATED
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The partner site whose embed it was written through (petitions.embeds: its origin, as the section
    # lists it; empty on our own pages). Nothing about the visitor: the partner is the same for all.
    partner = models.CharField(_("partner site"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]

    def __str__(self):
        if not (self.first_name or self.last_name):
            return str(_("(erased)"))
        return f"{self.first_name} {self.last_name}"

    @property
    def language_name(self):
        return language_label(self.letter_language)

    @classmethod
    def expired(cls, site, section, now):
        keys = ended_letter_actions(site, section, now)
        return {
            RetentionPurpose.LETTER_WRITERS: cls.objects.filter(site=site, action__translation_key__in=keys)
        }


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SolidarityMessage(SupporterAction):
    """A short message to the prisoner: never shown or delivered before a section's staff approve it."""

    MAX_LENGTH = 500

    personal_fields = ("author_name", "town", "text")

    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    action = models.ForeignKey(
        LetterActionPage,
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        related_name="solidarity_messages",
    )
    # Encrypted with the section's key, like every personal field (supporters.encryption).
    author_name = EncryptedCharField(_("signed"), max_length=60)
    town = EncryptedCharField(_("town"), max_length=80, blank=True)
    text = EncryptedTextField(_("message"), max_length=MAX_LENGTH)
    consent_version = models.CharField(_("consent wording version"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MessageStatus.choices,
        default=MessageStatus.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        verbose_name = _("solidarity message")
        verbose_name_plural = _("solidarity messages")
        ordering = ["-created_at"]
        permissions = [("moderate_solidaritymessage", "Can moderate solidarity messages")]

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"

    @classmethod
    def expired(cls, site, section, now):
        keys = ended_letter_actions(site, section, now)
        return {
            RetentionPurpose.LETTER_WRITERS: cls.objects.filter(site=site, action__translation_key__in=keys)
        }
