"""An action's share card: the picture a link to it shows where it is shared, drawn in the page's language.

Messaging apps and social networks show the `og:image` of a shared link (sections.sharing). For an
action (a petition, a letter action) that picture is drawn here with Pillow, 1200×630 as they all show
it whole: the portrait of the person it concerns (or a plain placeholder), their name, the action's
title and demand, and its live count in the page's own words ("1 234 signatures of 5 000").

Each action page answers at `<its URL>share-card/` (petitions.models, petitions.letters.models). The
PNG is kept in Django's cache under the content generation and the count: a change to the page, the
person or the portrait starts a new generation, and a new signature or letter a new count, so the
next request draws a new card; every other request reads the one drawn. Crawlers fetch it once per
share, so a signing storm draws at most one card per count a crawler asks for.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import patch_cache_control
from PIL import Image, ImageDraw, ImageFont, ImageOps
from wagtail.models import Site

from prisoners.models import first_portrait
from prisoners.templatetags.prisoner_tags import find_people
from sections.content_cache import current_generation
from sections.sharing import SHARE_CARD_SIZE

WIDTH, HEIGHT = SHARE_CARD_SIZE
PORTRAIT_WIDTH = 420
MARGIN = 56
FONT_DIR = Path(__file__).resolve().parent / "letters" / "fonts"  # the letters' own fonts
REGULAR, BOLD = FONT_DIR / "DejaVuSerif.ttf", FONT_DIR / "DejaVuSerif-Bold.ttf"
BACKGROUND, INK, ACCENT, MUTED = "#ffffff", "#111111", "#ffdd00", "#555555"
# Kept long: the key changes with every change that shows on the card.
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ShareCard:
    """What a card shows, in the page's language: nothing personal, only what the page itself shows."""

    title: str
    person: str = ""
    demand: str = ""
    count_text: str = ""
    portrait: object = None  # a Wagtail image, or None for the placeholder

    def key(self):
        shown = (self.title, self.person, self.demand, self.count_text, getattr(self.portrait, "pk", None))
        return hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


def card_for(page, request, demand, count):
    """The card of an action page: the people it concerns, in its language, and its count's own words."""
    site = Site.find_for_request(request) or page.get_site()
    people = find_people(page, site, request)
    portrait = first_portrait(page.prisoners.all()) or page.share_image()
    return ShareCard(
        title=page.title,
        person=", ".join(person["name"] for person in people),
        demand=demand,
        count_text=page.action_progress(count)[1],
        portrait=portrait[0] if portrait else None,
    )


def share_card_response(request, page, card):
    """The card as a PNG, drawn once per content generation and count (GET and HEAD only)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if getattr(request, "is_preview", False) or current_generation() is None:
        png = draw(card)
    else:
        name = f"share-card:{current_generation()}:{page.pk}:{card.key()}"
        png = cache.get_or_set(name, lambda: draw(card), CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    return response


def draw(card):
    """The PNG bytes of `card`."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas.paste(portrait_or_placeholder(card.portrait), (0, 0))
    pen = ImageDraw.Draw(canvas)
    left, right = PORTRAIT_WIDTH + MARGIN, WIDTH - MARGIN
    y = MARGIN
    if card.person:
        y = write(pen, card.person, left, y, right, size=30, bold=True, fill=MUTED, lines=2)
        y += 12
    y = write(pen, card.title, left, y, right, size=44, bold=True, fill=INK, lines=3)
    y += 18
    if card.demand:
        write(pen, card.demand, left, y, right, size=28, fill=INK, lines=max(1, (HEIGHT - 150 - y) // 38))
    if card.count_text:
        band = HEIGHT - 110
        pen.rectangle((PORTRAIT_WIDTH, band, WIDTH, HEIGHT), fill=ACCENT)
        write(pen, card.count_text, left, band + 30, right, size=38, bold=True, fill=INK, lines=1)
    output = io.BytesIO()
    canvas.save(output, format="PNG", optimize=True)
    return output.getvalue()


def portrait_or_placeholder(image):
    """The portrait cropped to the card's left column, or a plain block of the accent colour."""
    size = (PORTRAIT_WIDTH, HEIGHT)
    if image is not None:
        try:
            with image.open_file() as file, Image.open(file) as portrait:
                return ImageOps.fit(ImageOps.exif_transpose(portrait).convert("RGB"), size)
        except (OSError, ValueError):  # a file gone from storage or unreadable: the placeholder
            pass
    return Image.new("RGB", size, ACCENT)


def write(pen, text, left, top, right, *, size, fill, lines, bold=False):
    """Writes `text` wrapped to the width between `left` and `right`, at most `lines` lines; returns the next y."""
    font = ImageFont.truetype(str(BOLD if bold else REGULAR), size)
    wrapped = wrap(" ".join(text.split()), font, right - left)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        while wrapped[-1] and font.getlength(wrapped[-1] + "…") > right - left:
            wrapped[-1] = wrapped[-1].rsplit(" ", 1)[0] if " " in wrapped[-1] else wrapped[-1][:-1]
        wrapped[-1] = wrapped[-1].rstrip(" .,;:") + "…"
    line_height = int(size * 1.3)
    for line in wrapped:
        pen.text((left, top), line, font=font, fill=fill)
        top += line_height
    return top


def wrap(text, font, width):
    """The words of `text` in lines no wider than `width` as drawn in `font` (a longer word stands alone)."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines
