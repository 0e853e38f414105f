"""Petition pages and the signatures they collect, counted once per translation group."""

import datetime
import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyBlock
from prisoners.forms import PrisonerRecordsPageForm
from prisoners.models import first_portrait
from sections.models import SectionSettings
from sections.texts import section_texts
from sections.trees import in_sections
from sections.view_restrictions import CachedViewRestrictions
from supporters.encryption import EncryptedCharField
from supporters.models import ActionCount, RetentionPurpose, SupporterAction
from supporters.retention import end_of_day, ended_groups, months_before


class PostalCodeField(models.TextChoices):
    HIDDEN = "hidden", _("Do not ask")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required")


def open_petitions_filter(now=None):
    """A Q() that keeps petitions accepting signatures at `now` (not closed, opened, not past closing)."""
    now = now or timezone.now()
    return (
        Q(closed=False)
        & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    )


def petitions_in_sites(sites):
    """Petition pages (every language) of the sections `sites`."""
    return PetitionPage.objects.filter(in_sections(sites))


class PetitionPage(CachedViewRestrictions, RoutablePageMixin, Page):
    """A petition: who it is addressed to, what it demands, and the form to sign it."""

    addressee_name = models.CharField(
        _("addressee"), max_length=200, help_text=_("e.g. Le régime biélorusse")
    )
    addressee_title = models.CharField(_("addressee's title"), max_length=200, blank=True)
    addressee_address = models.TextField(_("addressee's postal address"), blank=True)
    demand = models.TextField(_("demand"), help_text=_("What the signers ask for, in one or two sentences."))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    prisoners = ParentalManyToManyField(
        "prisoners.PrisonerRecord", verbose_name=_("prisoners concerned"), blank=True, related_name="+"
    )
    goal = models.PositiveIntegerField(_("goal"), default=1000)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    closed = models.BooleanField(
        _("closed"), default=False, help_text=_("Close the petition now: the form goes, the count stays.")
    )
    delivered_on = models.DateField(
        _("delivered on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the signatures were handed to the addressee. The signers' names are erased as long "
            "after it as the section's retention settings say (after the closing date when it is empty)."
        ),
    )
    postal_code = models.CharField(
        _("postal code field"),
        max_length=10,
        choices=PostalCodeField.choices,
        default=PostalCodeField.OPTIONAL,
    )
    consent_text = models.TextField(
        _("consent wording"),
        blank=True,
        help_text=_("Leave empty to use the section's wording."),
    )
    thank_you_text = models.TextField(
        _("thank-you text"), blank=True, help_text=_("Shown after signing, above the share links.")
    )
    outcome = models.TextField(
        _("outcome"),
        blank=True,
        help_text=_(
            "What this petition achieved, shown on the page. Publishing a changed outcome emails it to the "
            "signers of this language who asked for news of this action."
        ),
    )
    share_text = models.CharField(
        _("share text"),
        max_length=240,
        blank=True,
        help_text=_("Suggested message when sharing; the petition's address is added to it."),
    )

    base_form_class = PrisonerRecordsPageForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("addressee_name"), FieldPanel("addressee_title"), FieldPanel("addressee_address")],
            heading=_("Addressee"),
        ),
        FieldPanel("demand"),
        FieldPanel("body"),
        FieldPanel("prisoners"),
        FieldPanel("outcome"),
        MultiFieldPanel(
            [
                FieldPanel("goal"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("closed"),
                FieldPanel("delivered_on"),
            ],
            heading=_("Goal and dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("postal_code"),
                FieldPanel("consent_text"),
                FieldPanel("thank_you_text"),
                FieldPanel("share_text"),
            ],
            heading=_("Form"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("demand"), index.SearchField("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("petition")

    # --- State ---------------------------------------------------------------
    @property
    def has_ended(self):
        return self.closed or (self.closes_at is not None and self.closes_at <= timezone.now())

    @property
    def has_opened(self):
        return self.opens_at is None or self.opens_at <= timezone.now()

    @property
    def is_open(self):
        return self.has_opened and not self.has_ended

    @property
    def signature_count(self):
        """Confirmed signatures of every translation plus the audited offline offset."""
        return ActionCount.total_for(self.translation_key)

    def progress(self, count):
        """The target shown next to `count`: the goal, then the next multiple of it once passed.

        An ended campaign has no next milestone: its bar stays full.
        """
        goal = max(self.goal, 1)
        if count < goal:
            return {"target": goal, "goal_reached": False, "next_milestone": None}
        if self.has_ended:
            return {"target": count, "goal_reached": True, "next_milestone": None}
        target = goal * (math.floor(count / goal) + 1)
        return {"target": target, "goal_reached": True, "next_milestone": target}

    def action_progress(self, count):
        """(target, text) for the petition's card on the home page (home.actions)."""
        from .templatetags.petition_tags import grouped

        target = self.progress(count)["target"]
        text = ngettext("%(count)s signature of %(target)s", "%(count)s signatures of %(target)s", count) % {
            "count": grouped(count),
            "target": grouped(target),
        }
        return target, text

    def share_image(self):
        """The first image of the page's body, else the portrait of a person it concerns (sections.sharing)."""
        from sections.sharing import first_stream_image

        return first_stream_image(self.body) or first_portrait(self.prisoners.all())

    def get_consent_text(self, section):
        """The consent wording this petition shows: its own, else its section's, in the petition's language."""
        if self.consent_text.strip() or section is None:
            return self.consent_text.strip()
        return section_texts(section.site_id, self.locale.language_code).consent_text.strip()

    # --- Serving (the form posts to the page itself; see views.py) -----------
    @path("", name="petition")
    def petition_view(self, request):
        from .views import petition_view

        return petition_view(request, self)

    @path("thanks/", name="thanks")
    def thanks_view(self, request):
        from .views import thanks_view

        return thanks_view(request, self)

    @path("share-card/", name="share_card")
    def share_card_view(self, request):
        """The picture a shared link to this action shows, in its language (petitions.share_cards)."""
        from .share_cards import card_for, share_card_response

        return share_card_response(request, self, card_for(self, request, self.demand, self.signature_count))

    @path("embed/", name="embed")
    def embed_view(self, request):
        """The petition and its form in a listed partner site's frame (petitions.embeds)."""
        from .embeds import embedded
        from .views import petition_view

        return embedded(request, self, lambda partner: petition_view(request, self, partner=partner))

    @path("embed/thanks/", name="embed_thanks")
    def embed_thanks_view(self, request):
        from .embeds import embedded
        from .views import thanks_view

        return embedded(request, self, lambda partner: thanks_view(request, self, partner=partner))

    @path("counts/", name="counts")
    def counts_view(self, request):
        """The petition's count as public JSON (supporters.open_counts)."""
        from supporters.open_counts import open_counts_response

        return open_counts_response(request, ("petition", self.pk), lambda: self.open_counts(request))

    def open_counts(self, request):
        """What the page shows of its count: the signatures of every language plus the paper ones, nothing personal."""
        from supporters.open_counts import action_state

        section = SectionSettings.for_request(request)
        return {
            "type": "petition",
            "title": self.title,
            "url": self.get_full_url(request),
            "count": self.signature_count,
            "goal": self.goal,
            "state": action_state(self.is_open and section.petitions_enabled),
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }

    def thanks_url(self, request):
        """Where every signer lands after signing: the same for all, nothing personal in it.

        Kept on the instance, so a petition from the content cache computes it once per content generation.
        """
        if "_thanks_url" not in self.__dict__:
            self._thanks_url = self.get_url(request) + self.reverse_subpage("thanks")
        return self._thanks_url


class SignatureState(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")


class Signature(SupporterAction):
    """One supporter's signature of one petition (all its translations): unique per canonical email."""

    personal_fields = ("first_name", "last_name", "country", "postal_code")
    # An erased or expired signer hears no more of the petition.
    erased_values = {"outcome_news": False}

    # Looked up through the unique constraint below, which starts with it; every index more is one
    # more write on each signature, and one petition's rows all share this key and their state.
    petition_key = models.UUIDField(_("petition (translation group)"), editable=False)
    # No database constraint: as for SupporterAction.site, every signature would lock the petition's
    # row. Django sets the field to NULL when the page is deleted; the count keeps the signature.
    petition = models.ForeignKey(
        PetitionPage,
        verbose_name=_("petition page signed"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
        db_constraint=False,
    )
    # The name as the signer gave it for this petition (it goes to the addressee). Encrypted with
    # the section's key, like every personal field (supporters.encryption).
    first_name = EncryptedCharField(_("first name"), max_length=100)
    last_name = EncryptedCharField(_("last name"), max_length=100)
    country = EncryptedCharField(_("country"), max_length=80)
    postal_code = EncryptedCharField(_("postal code"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=SignatureState.choices, default=SignatureState.PENDING
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    newsletter = models.BooleanField(_("newsletter opt-in"), default=False)
    # Asked for news of what this petition achieves (outcomes); the consent ledger keeps the wording.
    outcome_news = models.BooleanField(_("news of this action"), default=False)
    # The partner site whose embed it was signed through (its origin, as the section lists it; empty on
    # our own pages). Nothing about the visitor: the partner is the same for all its signers.
    partner = models.CharField(_("partner site"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("signature")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition_key", "supporter"], name="unique_signature_per_supporter"
            )
        ]
        permissions = [("adjust_petition_count", _("Can adjust petition counts (paper signatures)"))]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self):
        return self.supporter.email

    @classmethod
    def expired(cls, site, section, now):
        """Unconfirmed signatures after the section's days; signers of a petition some months after
        its delivery (its closing date when no delivery date is set; a running petition keeps them)."""
        unconfirmed = now - datetime.timedelta(days=section.unconfirmed_retention_days)

        def delivered(page):
            if page.delivered_on is not None:
                return end_of_day(page.delivered_on, section.zone)
            return page.closes_at

        keys = ended_groups(
            petitions_in_sites([site]).only("translation_key", "delivered_on", "closes_at"),
            delivered,
            months_before(now, section.signers_retention_months),
        )
        rows = cls.objects.filter(site=site)
        return {
            RetentionPurpose.UNCONFIRMED: rows.filter(
                state=SignatureState.PENDING, created_at__lt=unconfirmed
            ),
            RetentionPurpose.SIGNERS: rows.filter(state=SignatureState.CONFIRMED, petition_key__in=keys),
        }

    @property
    def petition_title(self):
        return self.petition.title if self.petition_id else ""


class PaperBatch(models.Model):
    """Printed petition sheets that share one batch number (per section), shown with a QR code on each sheet.

    The signatures the sheets come back with are entered once: they are added to the petition's audited
    offset (supporters.ActionCount), and the batch keeps how many, who entered them and when.
    """

    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE)
    number = models.PositiveIntegerField(_("batch number"))
    petition_key = models.UUIDField(_("petition (translation group)"))
    petition = models.ForeignKey(
        PetitionPage, verbose_name=_("petition"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    sheets = models.PositiveSmallIntegerField(_("sheets"))
    lines_per_sheet = models.PositiveSmallIntegerField(_("lines per sheet"))
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    printed_at = models.DateTimeField(_("printed at"), default=timezone.now)
    signatures = models.PositiveIntegerField(_("signatures entered"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch of petition sheets")
        verbose_name_plural = _("batches of petition sheets")
        ordering = ["-printed_at"]
        # "add": print sheets (a new batch); "change": enter the signatures a batch came back with.
        default_permissions = ("add", "change")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="unique_batch_number_per_section")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The batch number as printed on its sheets, e.g. CH-12 (the section's code, then the number)."""
        code = SectionSettings.for_site(self.site).code if self.site_id else ""
        return f"{code.upper()}-{self.number}" if code else str(self.number)

    @property
    def entered(self):
        return self.entered_at is not None

    @property
    def capacity(self):
        """The most signatures the batch's sheets can hold."""
        return self.sheets * self.lines_per_sheet
