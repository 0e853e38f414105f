"""Local groups, join pages and memberships: how a person becomes a member or volunteer of a section."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Sum
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.blocks import BodyBlock
from sections.content_cache import cached
from sections.texts import section_texts
from sections.trees import in_sections
from sections.view_restrictions import CachedViewRestrictions
from supporters.encryption import EncryptedCharField
from supporters.models import ActionCount, RetentionPurpose, SupporterAction


class LocalGroup(TranslatableMixin, models.Model):
    """A section's local group: where and when it meets, whom to write to, whether it takes newcomers."""

    # Groups go with their section; members (supporters' data) keep the section from being deleted.
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("e.g. Groupe de Lausanne"))
    town = models.CharField(
        _("town or region"), max_length=80, help_text=_("Visitors filter the groups by it.")
    )
    description = models.TextField(_("description"), blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    meeting_rhythm = models.CharField(
        _("meeting rhythm"), max_length=200, blank=True, help_text=_("e.g. every first Tuesday at 7 pm")
    )
    contact_email = models.EmailField(
        _("contact address"),
        help_text=_(
            "A role address of the group (e.g. lausanne@…), not a person's: the group's coordinator "
            "is told there of each new member."
        ),
    )
    is_open = models.BooleanField(
        _("open to newcomers"), default=True, help_text=_("Untick when the group is full.")
    )
    # People who see the group's new members in the admin (the section's group coordinators).
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinators"), blank=True, related_name="+"
    )

    translatable_fields = [
        SynchronizedField("site"),
        TranslatableField("name"),
        TranslatableField("town"),
        TranslatableField("description"),
        TranslatableField("meeting_place"),
        TranslatableField("meeting_rhythm"),
        SynchronizedField("contact_email"),
        SynchronizedField("is_open"),
    ]

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("town"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("meeting_place"), FieldPanel("meeting_rhythm")]),
        FieldPanel("contact_email"),
        FieldPanel("is_open"),
        FieldPanel("coordinators"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("local group")
        verbose_name_plural = _("local groups")
        ordering = ["town", "name"]

    def __str__(self):
        return f"{self.name} ({self.town})"

    @property
    def anchor(self):
        """The id of the group's entry on the join page, the same in every language."""
        return f"group-{self.translation_key}"


def groups_of(site, locale):
    """The section's groups in `locale`, by town and name."""
    return LocalGroup.objects.filter(site=site, locale=locale).order_by("town", "name")


class AgeBracket(models.TextChoices):
    # Each bracket's value is its lower bound, so a minimum age compares with it.
    UNDER_16 = "0", _("Under 16")
    FROM_16 = "16", _("16 to 17")
    FROM_18 = "18", _("18 to 25")
    FROM_26 = "26", _("26 to 39")
    FROM_40 = "40", _("40 to 64")
    FROM_65 = "65", _("65 or over")


class MinimumAge(models.IntegerChoices):
    NONE = 0, _("No minimum age")
    SIXTEEN = 16, _("16 years")
    EIGHTEEN = 18, _("18 years")


class Way(models.TextChoices):
    MEMBER = "member", _("As a member")
    VOLUNTEER = "volunteer", _("As a volunteer in a local group")
    ACTIVIST = "activist", _("As an individual activist")


class JoinPage(CachedViewRestrictions, RoutablePageMixin, Page):
    """The section's "join us" page: the ways to take part, its local groups, and the form to join."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    offer_member = models.BooleanField(_("offer membership"), default=True)
    offer_volunteer = models.BooleanField(_("offer volunteering in a local group"), default=True)
    offer_activist = models.BooleanField(_("offer individual activism"), default=True)
    membership_fee = models.PositiveIntegerField(
        _("yearly membership fee"),
        null=True,
        blank=True,
        help_text=_("In whole units of the section's currency; leave empty for free membership."),
    )
    fee_page = models.ForeignKey(
        "donations.DonationPage",
        verbose_name=_("donation page for the fee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where members pay their fee, in the section's donation flow."),
    )
    ask_age = models.BooleanField(_("ask for an age bracket"), default=False)
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        choices=MinimumAge.choices,
        default=MinimumAge.NONE,
        help_text=_("With a minimum age, the form always asks for an age bracket."),
    )
    closed = models.BooleanField(
        _("closed"), default=False, help_text=_("Stop taking new members here for now.")
    )
    consent_text = models.TextField(
        _("consent wording"), blank=True, help_text=_("Leave empty to use the section's wording.")
    )
    thank_you_text = models.TextField(
        _("thank-you text"), blank=True, help_text=_("Shown once the form is sent.")
    )
    welcome_text = models.TextField(
        _("welcome text"), blank=True, help_text=_("The heart of the welcome email, after confirmation.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("offer_member"),
                FieldPanel("offer_volunteer"),
                FieldPanel("offer_activist"),
                FieldRowPanel([FieldPanel("membership_fee"), FieldPanel("fee_page")]),
            ],
            heading=_("Ways to take part"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("ask_age"), FieldPanel("minimum_age")]),
                FieldPanel("closed"),
                FieldPanel("consent_text"),
                FieldPanel("thank_you_text"),
                FieldPanel("welcome_text"),
            ],
            heading=_("Form"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("join page")

    def clean(self):
        super().clean()
        if not self.membership_fee:
            return
        if self.fee_page is None:
            raise ValidationError({"fee_page": _("Choose the donation page where members pay the fee.")})
        fee_page = self.fee_page.specific
        parent = self.get_parent() if self.pk else None
        site = (parent or self).get_site() if (parent or self.pk) else None
        if site is not None and fee_page.get_site() != site:
            raise ValidationError({"fee_page": _("Choose a donation page of this section.")})
        if not fee_page.minimum_amount <= self.membership_fee <= fee_page.maximum_amount:
            raise ValidationError(
                {
                    "membership_fee": _(
                        "The fee must lie between the donation page's minimum (%(minimum)s) and maximum (%(maximum)s)."
                    )
                    % {"minimum": fee_page.minimum_amount, "maximum": fee_page.maximum_amount}
                }
            )

    @property
    def asks_age(self):
        return self.ask_age or self.minimum_age > 0

    @property
    def ways(self):
        offered = {
            Way.MEMBER: self.offer_member,
            Way.VOLUNTEER: self.offer_volunteer,
            Way.ACTIVIST: self.offer_activist,
        }
        return [(way.value, way.label) for way, on in offered.items() if on]

    def get_consent_text(self, section):
        """The consent wording this page shows: its own, else its section's, in the page's language."""
        if self.consent_text.strip() or section is None:
            return self.consent_text.strip()
        return section_texts(section.site_id, self.locale.language_code).consent_text.strip()

    def fee_url(self, request=None):
        """Where a member pays the fee: the fee page in this page's language, preset with the fee; or ""."""
        if not self.membership_fee or self.fee_page_id is None:
            return ""
        fee_page = self.fee_page.get_translation_or_none(self.locale) or self.fee_page
        if not fee_page.live:
            return ""
        return f"{fee_page.get_full_url(request)}?designation=membership&amount={self.membership_fee}"

    @property
    def member_count(self):
        return ActionCount.total_for(self.translation_key)

    @path("", name="join")
    def join_view(self, request):
        from .views import join_view

        return join_view(request, self)

    @path("thanks/", name="thanks")
    def thanks_view(self, request):
        from .views import thanks_view

        return thanks_view(request, self)


def join_pages_in_sites(sites):
    return JoinPage.objects.filter(in_sections(sites))


def member_count(site):
    """Confirmed members of the section: each person once (one membership per person and section),
    counted on the join page they joined through, offline additions included."""
    keys = join_pages_in_sites([site]).values("translation_key")
    # Each join page's count as ActionCount.total_for gives it (never below zero), in one query.
    total = ActionCount.objects.filter(key__in=keys).aggregate(
        total=Sum(Greatest(F("count") + F("offset"), 0))
    )
    return total["total"] or 0


def local_groups(site_id, locale_id):
    """The section's local groups in one language, by town and name: kept with the content (sections.content_cache)."""

    def read():
        return list(LocalGroup.objects.filter(site_id=site_id, locale_id=locale_id).order_by("town", "name"))

    return cached(("local-groups", site_id, locale_id), read)


def group_count(site):
    """The section's local groups, each once whatever its languages."""
    return LocalGroup.objects.filter(site=site).values("translation_key").distinct().count()


class MembershipState(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")


class Membership(SupporterAction):
    """One person joining one section (once: unique per supporter and section), maybe in a local group."""

    personal_fields = ("first_name", "last_name", "town", "phone", "age_bracket")

    join_page_key = models.UUIDField(_("join page (translation group)"), editable=False)
    join_page = models.ForeignKey(
        JoinPage,
        verbose_name=_("join page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    way = models.CharField(_("way of taking part"), max_length=10, choices=Way.choices)
    # The group in the language the person joined in; `group_key` names it in every language.
    group = models.ForeignKey(
        LocalGroup,
        verbose_name=_("local group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group_key = models.UUIDField(_("local group (translation group)"), null=True, blank=True, db_index=True)
    # Encrypted with the section's key, like every personal field (supporters.encryption).
    first_name = EncryptedCharField(_("first name"), max_length=100)
    last_name = EncryptedCharField(_("last name"), max_length=100)
    town = EncryptedCharField(_("town"), max_length=80)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    age_bracket = models.CharField(_("age bracket"), max_length=3, choices=AgeBracket.choices, blank=True)
    share_with_group = models.BooleanField(_("contact details shared with the group"), default=False)
    newsletter = models.BooleanField(_("newsletter opt-in"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=MembershipState.choices, default=MembershipState.PENDING
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Set only by the verified webhook of the gift that paid it (membership.fees).
    fee_paid_at = models.DateTimeField(_("fee paid"), null=True, blank=True)
    fee_donation = models.ForeignKey(
        "donations.Donation",
        verbose_name=_("fee paid by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "supporter"], name="unique_membership_per_section")
        ]

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
        """Joins never confirmed, after the section's days. A confirmed membership is kept while it stands."""
        cutoff = now - datetime.timedelta(days=section.unconfirmed_retention_days)
        pending = cls.objects.filter(site=site, state=MembershipState.PENDING, created_at__lt=cutoff)
        return {RetentionPurpose.UNCONFIRMED: pending}
