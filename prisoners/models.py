"""Prisoner records shared by every section (a translatable snippet)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class PrisonerStatus(models.TextChoices):
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    EXILED = "exiled", _("In exile")
    DISAPPEARED = "disappeared", _("Disappeared")
    DECEASED = "deceased", _("Deceased")


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

    panels = [
        FieldPanel("full_name"),
        FieldPanel("other_spellings"),
        FieldPanel("country"),
        FieldPanel("status"),
        FieldPanel("occupation"),
        FieldPanel("arrested_on"),
        FieldPanel("sentenced_on"),
        FieldPanel("released_on"),
        FieldPanel("sentence"),
        FieldPanel("charges"),
        FieldPanel("place_of_detention"),
        FieldPanel("portrait"),
        FieldPanel("portrait_alt"),
        FieldPanel("portrait_credit"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("prisoner record")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name
