"""What a link to a page shows where it is shared or found: description, canonical URL, hreflang, Open Graph.

Every public page gets them from `page_metadata` (through the `share_metadata` tag of base.html):

- description: the editor's *Search description* (Promote tab), else the page's own summary: its
  `share_description()` where it has one, else the first of its `summary`, `intro` or `demand` texts,
  else the first paragraph of its `intro` or `body` stream;
- image: an action's own share card where its page draws one (`share_card_view`), else the page's
  `share_image()` where it has one (a profile's portrait), else the first image of its `body`
  stream; none otherwise;
- canonical URL and og:url: the page's own address on the section's host and port (its routes, a
  thank-you step, point to the page itself; a list's filters and pages too);
- hreflang alternates: the page's live translations in the languages the section publishes, and
  `x-default` (the bare host for a home page, whose `/` sends each visitor to their language; the
  section's default language, else the first translation, for any other page).

Pages, not this module, say what their summary and image are: the section layer imports no app.
The result changes only with the content, so it is cached with it (see content_cache).
"""

from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.images.models import AbstractImage
from wagtail.models import Page

from .content_cache import cached
from .languages import section_languages

DESCRIPTION_LENGTH = 200
SUMMARY_FIELDS = ("summary", "intro", "demand")
STREAM_FIELDS = ("intro", "body")
# Shared whole, never cropped: a portrait keeps its face whatever the network's frame.
IMAGE_FILTER = "max-1200x1200"
# An action's own card (its page's `share_card_view`, at `<its URL>share-card/`: petitions.share_cards),
# the size every network shows whole.
SHARE_CARD_SIZE = (1200, 630)


def page_metadata(request, site, page, language_links):
    """The share metadata of `page` on `site` (None for anything but a page with an address)."""
    if not isinstance(page, Page) or site is None:
        return None
    if page.pk is None or getattr(request, "is_preview", False):
        return build_metadata(request, site, page, language_links)
    return cached(
        ("share-metadata", site.pk, page.pk),
        lambda: build_metadata(request, site, page, language_links),
    )


def build_metadata(request, site, page, language_links):
    url = page.get_full_url(request)
    if not url:
        return None
    translations = [link for link in language_links if link["is_translation"]]
    language = page.locale.language_code
    return {
        "title": page.seo_title or page.title,
        "description": page_description(page),
        "url": url,
        "type": getattr(page, "share_type", "website"),
        "published": getattr(page, "share_published", None),
        "locale": open_graph_locale(language, site),
        "locale_alternates": [
            open_graph_locale(link["code"], site) for link in translations if link["code"] != language
        ],
        "alternates": [{"code": link["code"], "url": link["full_url"]} for link in translations],
        "x_default": x_default(site, page, translations),
        "image": card_metadata(page, url) or image_metadata(site, page_image(page)),
    }


def card_metadata(page, url):
    """An action's share card, drawn for it in its language, where its page has one."""
    if not hasattr(page, "share_card_view"):
        return None
    width, height = SHARE_CARD_SIZE
    return {"url": url + "share-card/", "width": width, "height": height, "alt": page.title}


def clean_text(text):
    return Truncator(" ".join(strip_tags(str(text)).split())).chars(DESCRIPTION_LENGTH)


def page_description(page):
    if page.search_description.strip():
        return clean_text(page.search_description)
    describe = getattr(page, "share_description", None)
    if describe is not None:
        text = describe()
        if text:
            return clean_text(text)
    for name in SUMMARY_FIELDS:
        value = getattr(page, name, None)
        if isinstance(value, str) and value.strip():
            return clean_text(value)
    for name in STREAM_FIELDS:
        text = first_paragraph(getattr(page, name, None))
        if text:
            return clean_text(text)
    return ""


def first_paragraph(stream):
    """The text of a stream's first rich text (or plain text) block, or ""."""
    if stream is None or isinstance(stream, str):
        return ""
    for block in stream:
        if block.block_type == "paragraph":
            text = strip_tags(getattr(block.value, "source", str(block.value))).strip()
            if text:
                return text
    return ""


def page_image(page):
    """(image, alternative text) of the page, or None."""
    choose = getattr(page, "share_image", None)
    if choose is not None:
        return choose()
    return first_stream_image(getattr(page, "body", None))


def first_stream_image(stream):
    """(image, alternative text) of the first image in a stream (alone or in a block), or None."""
    if stream is None or isinstance(stream, str):
        return None
    for block in stream:
        values = block.value.values() if hasattr(block.value, "values") else [block.value]
        for value in values:
            if isinstance(value, AbstractImage):
                return value, getattr(value, "contextual_alt_text", "") or ""
    return None


def image_metadata(site, image_and_alt):
    if image_and_alt is None:
        return None
    image, alt = image_and_alt
    rendition = image.get_rendition(IMAGE_FILTER)
    url = rendition.url
    if url.startswith("/"):
        url = site.root_url + url
    return {"url": url, "width": rendition.width, "height": rendition.height, "alt": alt}


def open_graph_locale(language, site):
    """`fr_CH` for French in the Swiss section (its code names its country), `fr` where it does not."""
    from .models import SectionSettings

    code = SectionSettings.for_site(site).code
    if len(code) == 2 and code.isalpha():
        return f"{language}_{code.upper()}"
    return language


def x_default(site, page, translations):
    if not translations:
        return None
    if page.translation_key == site.root_page.translation_key:
        return site.root_url + "/"
    codes = section_languages(site)
    by_code = {link["code"]: link["full_url"] for link in translations}
    return by_code.get(codes[0] if codes else None) or translations[0]["full_url"]
