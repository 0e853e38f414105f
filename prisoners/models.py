"""Prisoner records shared by every section (a translatable snippet), their profile pages and the index."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, Site, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.blocks import BodyBlock, CallToActionBlock
from sections.content_cache import cached
from sections.view_restrictions import CachedViewRestrictions

from .search import name_variants


class PrisonerStatus(models.TextChoices):
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    EXILED = "exiled", _("In exile")
    DISAPPEARED = "disappeared", _("Disappeared")
    DECEASED = "deceased", _("Deceased")


# Statuses in which a call for release is out of date: editors are warned about open actions.
NO_LONGER_DETAINED = [PrisonerStatus.RELEASED, PrisonerStatus.EXILED, PrisonerStatus.DECEASED]


class Theme(TranslatableMixin, models.Model):
    """A theme a record can carry (e.g. human rights defenders); its name is translated, its slug shared."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("Shared by every language; used in the index's filter links.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]
    translatable_fields = [TranslatableField("name"), SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PrisonerRecord(TranslatableMixin, index.Indexed, ClusterableModel):
    """The facts about one person that every section shares; entered once, translated in wagtail-localize."""

    full_name = models.CharField(_("full name"), max_length=200)
    other_spellings = models.TextField(
        _("other spellings"),
        blank=True,
        help_text=_("One per line: transliterations and the name in its own script, e.g. Мария Колесникова."),
    )
    country = models.CharField(_("country"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=PrisonerStatus.choices, default=PrisonerStatus.DETAINED
    )
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)
    sentenced_on = models.DateField(_("sentenced on"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    sentence = models.CharField(_("sentence"), max_length=200, blank=True)
    charges = models.TextField(_("charges"), blank=True)
    place_of_detention = models.CharField(_("place of detention"), max_length=200, blank=True)
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("portrait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    portrait_alt = models.CharField(_("portrait description (alt text)"), max_length=250, blank=True)
    portrait_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="records")

    panels = [
        MultiFieldPanel(
            [FieldPanel("full_name"), FieldPanel("other_spellings")],
            heading=_("Name"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("status"),
                FieldPanel("occupation"),
                FieldPanel("arrested_on"),
                FieldPanel("sentenced_on"),
                FieldPanel("released_on"),
                FieldPanel("sentence"),
                FieldPanel("charges"),
                FieldPanel("place_of_detention"),
                FieldPanel("themes"),
            ],
            heading=_("Facts"),
        ),
        MultiFieldPanel(
            [FieldPanel("portrait"), FieldPanel("portrait_alt"), FieldPanel("portrait_credit")],
            heading=_("Portrait"),
        ),
        InlinePanel("timeline", label=_("timeline entries"), heading=_("Timeline")),
    ]

    # Texts are translated; facts (status, dates, portrait, themes) are the same in every language.
    translatable_fields = [
        TranslatableField("full_name"),
        SynchronizedField("other_spellings"),
        TranslatableField("country"),
        SynchronizedField("status"),
        TranslatableField("occupation"),
        SynchronizedField("arrested_on"),
        SynchronizedField("sentenced_on"),
        SynchronizedField("released_on"),
        TranslatableField("sentence"),
        TranslatableField("charges"),
        TranslatableField("place_of_detention"),
        SynchronizedField("portrait"),
        TranslatableField("portrait_alt"),
        SynchronizedField("portrait_credit"),
        SynchronizedField("themes"),
        TranslatableField("timeline"),
    ]
    # Saved on one translation, copied at once to the others, so every section's page is current
    # without waiting for a translator to sync (wagtail-localize copies them only on sync).
    shared_facts = [
        "other_spellings",
        "status",
        "arrested_on",
        "sentenced_on",
        "released_on",
        "portrait_id",
        "portrait_credit",
    ]

    search_fields = [
        index.SearchField("full_name", boost=2),
        index.SearchField("search_names"),
        index.AutocompleteField("search_names"),
        index.FilterField("status"),
        index.FilterField("translation_key"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("prisoner record")
        verbose_name_plural = _("prisoner records")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    def clean(self):
        super().clean()
        errors = {}
        if self.arrested_on and self.sentenced_on and self.sentenced_on < self.arrested_on:
            errors["sentenced_on"] = _("The sentence date cannot be before the arrest date.")
        if self.arrested_on and self.released_on and self.released_on < self.arrested_on:
            errors["released_on"] = _("The release date cannot be before the arrest date.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        facts = {name: getattr(self, name) for name in self.shared_facts}
        others = type(self).objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)
        if others.update(**facts):
            # update() sends no signal: re-index the spellings the translations now share.
            for other in others:
                index.insert_or_update_object(other)

    def share_themes(self):
        """Give every translation this record's themes (the admin calls it after saving the form)."""
        themes = list(self.themes.all())
        for other in type(self).objects.filter(translation_key=self.translation_key).exclude(pk=self.pk):
            other.themes.set(themes)
            other.save()

    @property
    def spellings(self):
        """The full name and every other spelling, once each."""
        names = [self.full_name] + [line.strip() for line in self.other_spellings.splitlines()]
        return list(dict.fromkeys(name for name in names if name))

    def search_names(self):
        """Every spelling with its ASCII folding and transliteration key, so any of them finds the person."""
        return " ".join(name_variants(self.spellings))

    @property
    def is_detained(self):
        return self.status == PrisonerStatus.DETAINED

    def in_locale(self, locale):
        """This record in `locale`, or this one when it has not been translated there."""
        if self.locale_id == locale.pk:
            return self
        return self.get_translation_or_none(locale) or self

    def localized_themes(self, locale):
        """The record's themes in `locale` where translated, else as chosen; read in one query."""
        chosen = self.themes.through.objects.filter(prisonerrecord_id=self.pk, theme_id=OuterRef("pk"))
        candidates = list(
            Theme.objects.filter(translation_key__in=self.themes.values("translation_key")).annotate(
                chosen=Exists(chosen)
            )
        )
        translated = {theme.translation_key: theme for theme in candidates if theme.locale_id == locale.pk}
        themes = [translated.get(theme.translation_key, theme) for theme in candidates if theme.chosen]
        return sorted(themes, key=lambda theme: theme.name)

    def timeline_entries(self):
        """Newest first."""
        return sorted(
            self.timeline.all(), key=lambda entry: (entry.date, entry.sort_order or 0), reverse=True
        )


class PrisonerTimelineEntry(TranslatableMixin, Orderable):
    """A dated update in a person's story (arrest, trial, transfer, release…)."""

    record = ParentalKey(PrisonerRecord, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))

    panels = [FieldPanel("date"), FieldPanel("text")]
    translatable_fields = [SynchronizedField("date"), TranslatableField("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["sort_order"]

    def __str__(self):
        return f"{self.date}: {self.text[:50]}"


def first_portrait(records):
    """(portrait, its alternative text) of the first of `records` that has one, or None: a page's share image."""
    record = records.filter(portrait__isnull=False).select_related("portrait").first()
    return (record.portrait, record.portrait_alt) if record is not None else None


class PrisonerIndexPage(CachedViewRestrictions, Page):
    """A section's list of people it campaigns for, with filters and a name search."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["prisoners.PrisonerPage"]

    class Meta:
        verbose_name = _("prisoner index")

    def get_context(self, request, *args, **kwargs):
        from .listing import ProfileListing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = ProfileListing(self, request.GET)
        return context


class PrisonerPage(CachedViewRestrictions, RoutablePageMixin, Page):
    """A person's profile in one section: the shared record plus the section's narrative and appeals."""

    record = models.ForeignKey(
        PrisonerRecord, verbose_name=_("prisoner record"), on_delete=models.PROTECT, related_name="pages"
    )
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("narrative"))
    calls_to_action = StreamField(
        [("call_to_action", CallToActionBlock())], blank=True, verbose_name=_("calls to action")
    )

    content_panels = Page.content_panels + [
        FieldPanel("record"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("calls_to_action"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["prisoners.PrisonerIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("prisoner page")

    @cached_property
    def shown_record(self):
        """The record in this page's language, falling back to the one the page points at.

        Both, with their portraits, come in one query.
        """
        records = list(
            PrisonerRecord.objects.filter(
                Q(pk=self.record_id) | Q(locale_id=self.locale_id),
                translation_key__in=PrisonerRecord.objects.filter(pk=self.record_id).values(
                    "translation_key"
                ),
            ).select_related("portrait")
        )
        by_locale = {record.locale_id: record for record in records}
        return by_locale.get(self.locale_id) or next(
            record for record in records if record.pk == self.record_id
        )

    # --- Shared links (sections.sharing) -----------------------------------------
    def share_description(self):
        """The page's introduction, else who the person is and where they stand, from the record."""
        if self.intro.strip():
            return self.intro
        record = self.shown_record
        return _("%(name)s: %(status)s, %(country)s.") % {
            "name": record.full_name,
            "status": record.get_status_display(),
            "country": record.country,
        }

    def share_image(self):
        record = self.shown_record
        return (record.portrait, record.portrait_alt) if record.portrait_id else None

    def get_context(self, request, *args, **kwargs):
        from .counts import coalition_counts, shown
        from .hooks import open_actions

        context = super().get_context(request, *args, **kwargs)

        def read_record():
            record = self.shown_record
            return record, record.localized_themes(self.locale), record.timeline_entries()

        if getattr(request, "is_preview", False):
            record, themes, timeline = read_record()
        else:
            # Records, themes and timelines change only with an editor's save (see content_cache).
            record, themes, timeline = cached(("prisoner-profile", self.pk, self.locale_id), read_record)
        context.update(record=record, themes=themes, timeline=timeline)
        site = Site.find_for_request(request) or self.get_site()
        context["open_actions"] = open_actions(record, site, self.locale)
        context["coalition"] = shown(coalition_counts(record, self.locale.language_code))
        return context

    @path("counts/", name="counts")
    def counts_route(self, request):
        """Every section's signatures and letters for this person, as public JSON (supporters.open_counts)."""
        from supporters.open_counts import open_counts_response

        return open_counts_response(request, ("person", self.pk), lambda: self.open_counts(request))

    def open_counts(self, request):
        """The coalition's total for the person and each section's own; nothing personal of anyone who acted."""
        from .counts import coalition_counts

        record = self.shown_record
        counts = coalition_counts(record, self.locale.language_code)
        return {
            "type": "person",
            "name": record.full_name,
            "url": self.get_full_url(request),
            "total": counts["total"],
            "sections": counts["sections"],
        }
