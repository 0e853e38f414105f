"""A section's home page, standard content pages, and the news (press releases)."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from sections.view_restrictions import CachedViewRestrictions

from .blocks import BodyBlock, HomeBodyBlock, MenuLinkBlock
from .routing import LocalizedFromCache, RoutesInOneQuery


class HomePage(CachedViewRestrictions, LocalizedFromCache, RoutesInOneQuery, Page):
    """The root of a section's site, one per language."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(HomeBodyBlock(), blank=True, verbose_name=_("body"))
    footer_links = StreamField(
        [("link", MenuLinkBlock())],
        blank=True,
        verbose_name=_("footer menu"),
        help_text=_("The links at the foot of every page of the section, in this language."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=_(
                        'The main menu lists the pages directly under this home page that have "Show in '
                        'menus" ticked in their Promote tab, in the order of the page tree.'
                    )
                ),
                FieldPanel("footer_links"),
            ],
            heading=_("Menus"),
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("section home page")

    def get_context(self, request, *args, **kwargs):
        from .actions import home_page_actions

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_actions(self, request))
        return context


class StandardPage(CachedViewRestrictions, Page):
    """Any plain content page: about us, join us, privacy policy."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(CachedViewRestrictions, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count_per_parent = 1
    per_page = 10

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        context["news_pages"] = Paginator(news, self.per_page).get_page(request.GET.get("page"))
        return context


class NewsPage(CachedViewRestrictions, Page):
    """A news item or press release."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        PRESS_RELEASE = "press", _("Press release")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    show_press_contact = models.BooleanField(_("show the section's press contact"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("show_press_contact"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news page")
        ordering = ["-date"]

    # Shared links (sections.sharing): a news item is an article, published on its date.
    share_type = "article"

    @property
    def share_published(self):
        return self.date
