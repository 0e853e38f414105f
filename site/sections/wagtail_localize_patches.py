"""Workaround for wagtail-localize: its Translate dialog offers every locale of the project.

Wagtail has no per-site language list (wagtail#7843), and wagtail-localize's SubmitTranslationForm
lists every Locale but the page's own. A section publishes the languages its root page is
translated into, so for any page below a section's root the dialog offers only those languages;
the root page itself still offers every locale, which is how a section takes on a new language.
Delete this module when wagtail-localize lets a project choose the locales the form offers.
"""

from wagtail.models import Page
from wagtail_localize.views.submit_translations import SubmitTranslationForm

_original_init = SubmitTranslationForm.__init__


def section_root(page):
    """The section home page `page` belongs to (the tree root's child on its path), or None."""
    if page.depth <= 2:
        return None
    return Page.objects.filter(depth=2, path=page.path[: Page.steplen * 2]).first()


def offer_only_the_sections_languages(self, instance, *args, **kwargs):
    _original_init(self, instance, *args, **kwargs)
    if not isinstance(instance, Page):
        return
    root = section_root(instance)
    if root is None:
        return
    languages = Page.objects.filter(translation_key=root.translation_key).values_list(
        "locale__language_code", flat=True
    )
    field = self.fields["locales"]
    field.queryset = field.queryset.filter(language_code__in=list(languages))


def apply():
    SubmitTranslationForm.__init__ = offer_only_the_sections_languages
