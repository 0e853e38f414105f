"""Admin for letter-writing actions (letters, solidarity messages) and the prisoner profile hook."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from home.actions import OPEN_ACTIONS_HOOK
from prisoners.hooks import ALL_ACTIONS_HOOK
from sections.content_cache import cached
from sections.models import SectionSettings
from sections.trees import in_sections
from sections.view_restrictions import public

from .admin_views import LettersViewSetGroup, embed_partners
from .models import LetterActionPage


@hooks.register("register_admin_viewset")
def register_letter_viewsets():
    return LettersViewSetGroup()


@hooks.register("register_admin_urls")
def register_letter_admin_urls():
    urls = [path("<int:page_id>/partners/", embed_partners, name="partners")]
    return [path("letter-actions/", include((urls, "letters_admin"), namespace="letters_admin"))]


@hooks.register("register_page_header_buttons")
def embed_partners_button(page, user, view_name, next_url=None):
    """A letter action's "Embed on partner sites": the snippet to copy and the letters each partner brought."""
    if page.specific_class is LetterActionPage:
        yield Button(
            _("Embed on partner sites"), reverse("letters_admin:partners", args=[page.pk]), priority=85
        )


@hooks.register("register_prisoner_actions")
def open_letter_actions(record, site, locale):
    """Live, open letter actions of `site` in `locale` that concern `record` (in any of its translations)."""
    if not SectionSettings.for_site(site).letters_enabled:
        return []

    def live_letter_actions():
        return list(
            LetterActionPage.objects.live()
            .filter(in_sections([site]), locale=locale, prisoners__translation_key=record.translation_key)
            .distinct()
            .order_by("-first_published_at")
        )

    # Cached with the content; whether each is still open changes with the date, checked now.
    key = ("prisoner-letter-actions", site.pk, locale.pk, record.translation_key)
    return [action for action in cached(key, live_letter_actions) if action.is_open]


@hooks.register(OPEN_ACTIONS_HOOK)
def open_letter_actions_of_section(site, locale):
    """Live, open, public letter actions of `site` in `locale`, for its home page (home.actions)."""
    if not SectionSettings.for_site(site).letters_enabled:
        return []

    def live_letter_actions():
        return list(
            public(LetterActionPage.objects.live())
            .filter(in_sections([site]), locale=locale)
            .order_by("-first_published_at")
        )

    # Cached with the content; whether each is still open changes with the date, checked now.
    actions = cached(("section-letter-actions", site.pk, locale.pk), live_letter_actions)
    return [action for action in actions if action.is_open]


@hooks.register(ALL_ACTIONS_HOOK)
def letter_actions_for_prisoner_in_every_section(record):
    """Live, public letter actions of every section and language naming this person (prisoners.counts)."""
    return list(
        public(LetterActionPage.objects.live())
        .filter(prisoners__translation_key=record.translation_key)
        .distinct()
        .only("path", "translation_key")
    )
