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


def pinned_pages(block_value, locale, open_pages=()):
    """The pages a "Featured actions" block pins, in `locale`, where that translation is live.

    Pinned actions that are open are among `open_pages` already: only the others are read.
    """
    keys = [page.translation_key for page in block_value["pages"] if page is not None]
    found = {page.translation_key: page for page in open_pages if page.translation_key in keys}
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(
            (page.translation_key, page)
            for page in Page.objects.live().filter(translation_key__in=missing, locale=locale).specific()
        )
    return [found[key] for key in dict.fromkeys(keys) if key in found]


def home_page_actions(home, request):
    """`body_items` for the home page's template: its body blocks, with the action lists in place.

    Each item is {"block": a body block} or {"heading": …, "cards": [ActionCard]}.
    """
    site = Site.find_for_request(request) or home.get_site()
    open_pages = open_action_pages(site, home.locale) if site is not None else []
    shown = set()
    items = []
    listed_open = False
    for block in home.body:
        if block.block_type != "featured_actions":
            items.append({"block": block})
            continue
        pages = [page for page in pinned_pages(block.value, home.locale, open_pages) if page.pk not in shown]
        if not listed_open:
            pinned = {page.pk for page in pages}
            pages += [page for page in open_pages if page.pk not in pinned and page.pk not in shown]
            listed_open = True
        shown.update(page.pk for page in pages)
        items.append({"heading": block.value["heading"], "cards": cards_for(pages)})
    if not listed_open:
        after = next((i + 1 for i, item in enumerate(items) if item["block"].block_type == "hero"), 0)
        items.insert(after, {"heading": DEFAULT_HEADING, "cards": cards_for(open_pages)})
    return {"body_items": items}
