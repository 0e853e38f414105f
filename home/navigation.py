"""A section's main and footer menus in the visitor's language, as its editors set them.

The main menu is Wagtail's own: the live, public pages directly under the section's home page in
the current language that have "Show in menus" ticked (Promote tab), in the tree's order (the
admin's "Sort menu order"). Each language follows its own translated pages, so a page whose
translation is still a draft is not in that language's menu.

The footer menu is the home page's `footer_links` field: translated with the home page, edited
only by those who may edit it (the section's editors, through its workflow).

Both change only when a page is saved, so they are cached (see `sections.content_cache`).
"""

from dataclasses import dataclass

from django.utils import translation
from wagtail.models import Locale, Site

from sections.content_cache import cached


@dataclass(frozen=True)
class MenuLink:
    text: str
    url: str
    # The linked page's path in the tree ("" for an address outside the site), to mark the
    # visitor's current section of the menu.
    path: str = ""

    def is_current_for(self, page):
        return bool(self.path) and page is not None and getattr(page, "path", "").startswith(self.path)


def section_home(site, language_code):
    """The section's home page in `language_code`, or None when the section does not publish it."""
    root = site.root_page
    locale = Locale.objects.filter(language_code=language_code).first()
    if locale is None:
        return None
    if root.locale_id != locale.pk:
        root = root.get_translation_or_none(locale)
    if root is None or not root.live:
        return None
    return root.specific


def _page_link(page, request, text=""):
    url = page.get_url(request)
    if url is None:
        return None
    return MenuLink(text=text or page.title, url=url, path=page.path)


def _build_main_menu(request, site, language_code):
    home = section_home(site, language_code)
    if home is None:
        return []
    pages = home.get_children().live().public().in_menu().order_by("path")
    return [link for link in (_page_link(page, request) for page in pages) if link is not None]


def _build_footer_menu(request, site, language_code):
    home = section_home(site, language_code)
    links = []
    for block in getattr(home, "footer_links", None) or []:
        value = block.value
        page, text, url = value.get("page"), value.get("text", ""), value.get("url", "")
        if page is not None:
            # A page chosen in the source language: its translation in this language, once live.
            page = page.get_translation_or_none(home.locale) if page.locale_id != home.locale_id else page
            if page is None or not page.live:
                continue
            link = _page_link(page.specific, request, text)
        elif url and text:
            link = MenuLink(text=text, url=url)
        else:
            link = None
        if link is not None:
            links.append(link)
    return links


def _menu(kind, build, request):
    site = Site.find_for_request(request)
    if site is None:
        return []
    language_code = translation.get_language()
    return cached((f"{kind}-menu", site.pk, language_code), lambda: build(request, site, language_code))


def main_menu(request):
    """[MenuLink] of the header's main menu for this request's section and language."""
    return _menu("main", _build_main_menu, request)


def footer_menu(request):
    """[MenuLink] of the footer menu for this request's section and language."""
    return _menu("footer", _build_footer_menu, request)
