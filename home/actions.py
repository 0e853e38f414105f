"""The actions a section's home page lists by itself: its open petitions and letter actions, newest first.

`home` imports none of the action apps (they import its blocks). Each registers a function under
OPEN_ACTIONS_HOOK,

    @hooks.register(OPEN_ACTIONS_HOOK)
    def open_petitions(site, locale):
        return PetitionPage.objects.live().filter(...)

taking a section's Site and a Locale and returning the live, open action pages of that section in
that language. An action page shows its progress on the home page through a method
`action_progress(count)` that returns `(target, text)`: the number the bar goes to and the sentence
saying where the count stands, in the active language.

Editors may still pin actions with a "Featured actions" block: its pages come first, in the
editor's order, and the open actions they pinned are not listed twice. The first such block also
lists every other open action; without one, the list follows the first hero banner.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page, Site

from sections.content_cache import cached
from supporters.models import ActionCount

OPEN_ACTIONS_HOOK = "register_section_open_actions"
# Live figures of a section's home page (its impact figures block) that other apps count: each hook
# returns {name: function(site) -> int}, e.g. {"members": ..., "groups": ...} (home.blocks.ImpactFigureBlock).
LIVE_FIGURES_HOOK = "register_section_live_figures"
DEFAULT_HEADING = _("Our open actions")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class ActionCard:
    page: Page
    count: int | None = None
    target: int | None = None
    progress_text: str = ""

    @property
    def kind(self):
        return self.page._meta.verbose_name


def open_action_pages(site, locale):
    """Every registered app's live, open actions of this section and language, newest first."""
    pages = {}
    for find_actions in hooks.get_hooks(OPEN_ACTIONS_HOOK):
        for page in find_actions(site, locale) or []:
            pages.setdefault(page.pk, page)
    return sorted(pages.values(), key=lambda page: (page.first_published_at or EPOCH, page.pk), reverse=True)


def cards_for(pages):
    """ActionCard for each page, with the count of its translation group where it has a goal."""
    keys = [page.translation_key for page in pages if hasattr(page, "action_progress")]
    totals = {row.key: row.total for row in ActionCount.objects.filter(key__in=keys)} if keys else {}
    cards = []
    for page in pages:
        if hasattr(page, "action_progress"):
            count = totals.get(page.translation_key, 0)
            target, text = page.action_progress(count)
            cards.append(ActionCard(page=page, count=count, target=target, progress_text=text))
        else:
            cards.append(ActionCard(page=page))
    return cards


def pinned_pages(page_ids, locale):
    """The pages a "Featured actions" block pins (by id, as stored), in `locale`, where that translation is live."""
    keys = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "translation_key"))
    keys = [keys[page_id] for page_id in page_ids if page_id in keys]
    found = {
        page.translation_key: page
        for page in Page.objects.live().filter(translation_key__in=keys, locale=locale).specific()
    }
    return [found[key] for key in dict.fromkeys(keys) if key in found]


def pinned_ids(raw_value):
    """The page ids a "Featured actions" block stores (a ListBlock's items, or bare ids as once stored)."""
    items = raw_value.get("pages") or []
    ids = [item.get("value") if isinstance(item, dict) else item for item in items]
    return [page_id for page_id in ids if page_id]


def home_page_actions(home, request):
    """`body_items` for the home page's template: its body blocks, with the action lists in place.

    Each item is {"index": a body block's index, "type": its type} (rendered by the `home_body_block`
    tag) or {"heading": …, "cards": [ActionCard]}.
    """
    site = Site.find_for_request(request) or home.get_site()
    # Wagtail's routing hands over the home page without its locale: the cached one, not a query.
    home.locale = cached(("locale", home.locale_id), lambda: home.locale)
    open_pages = open_action_pages(site, home.locale) if site is not None else []
    shown = set()
    items = []
    listed_open = False
    # Featured blocks are read from the stored data, their pages from the cache (content changes only
    # with a save); the other blocks are converted by StreamField only when the template renders them.
    for index, raw in enumerate(home.body.raw_data):
        if raw["type"] != "featured_actions":
            items.append({"index": index, "type": raw["type"]})
            continue
        page_ids = pinned_ids(raw["value"])
        if getattr(request, "is_preview", False):  # the editor's unsaved choice
            pinned = pinned_pages(page_ids, home.locale)
        else:
            pinned = cached(
                ("pinned-actions", home.pk, raw.get("id") or index),
                lambda page_ids=page_ids: pinned_pages(page_ids, home.locale),
            )
        pages = [page for page in pinned if page.pk not in shown]
        if not listed_open:
            pinned_pks = {page.pk for page in pages}
            pages += [page for page in open_pages if page.pk not in pinned_pks and page.pk not in shown]
            listed_open = True
        shown.update(page.pk for page in pages)
        items.append({"heading": raw["value"].get("heading", ""), "cards": cards_for(pages)})
    if not listed_open:
        after = next((i + 1 for i, item in enumerate(items) if item.get("type") == "hero"), 0)
        items.insert(after, {"heading": DEFAULT_HEADING, "cards": cards_for(open_pages)})
    return {"body_items": items}
