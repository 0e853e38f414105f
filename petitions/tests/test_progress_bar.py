"""The bar toward a petition's or a letter action's goal, measured as Chromium draws it on a phone."""

import io

import pytest
from PIL import Image

from petitions.letters.tests.helpers import make_action
from supporters.models import ActionCount

from .conftest import make_petition

pytestmark = pytest.mark.django_db(transaction=True)

GOAL = 10_000


def with_count(page, count):
    ActionCount.ensure(page.translation_key)
    ActionCount.objects.filter(key=page.translation_key).update(offset=count)
    return page


def luminance(rgb):
    """Relative luminance (WCAG) of an (r, g, b) colour."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def measure(browser_page, url):
    """What a visitor sees of the page's bar, read from its pixels: value and max, filled share, track, outline.

    The middle row of the bar's screenshot: the track's colour is the one just inside its right end;
    every pixel inside the outline that clearly differs from it is filled.
    """
    browser_page.goto(url)
    progress = browser_page.locator("progress")
    image = Image.open(io.BytesIO(progress.screenshot())).convert("RGB")
    width, height = image.size
    row = [image.getpixel((x, height // 2)) for x in range(2, width - 2)]
    track = row[-2]
    filled = sum(1 for pixel in row if sum(abs(a - b) for a, b in zip(pixel, track, strict=True)) > 90)
    border_width, border_colour = progress.evaluate(
        "e => { const s = getComputedStyle(e); return [parseFloat(s.borderTopWidth), s.borderTopColor]; }"
    )
    border_rgb = [int(float(v)) for v in border_colour.split("(")[1].rstrip(")").split(",")[:3]]
    return {
        "value": progress.get_attribute("value"),
        "max": progress.get_attribute("max"),
        "filled": filled,
        "share": filled / len(row),
        "track_luminance": luminance(track),
        "border_width": border_width,
        "border_luminance": luminance(border_rgb),
    }


def test_the_bar_fills_in_proportion_to_the_count_on_a_light_outlined_track(
    live_server, sections, browser_page
):
    port = live_server.url.rsplit(":", 1)[1]
    home = sections["fr"].home
    few = with_count(make_petition(home, slug="quatre", goal=GOAL), 4)
    half = with_count(make_petition(home, slug="moitie", goal=GOAL), 5_000)
    none = with_count(make_petition(home, slug="aucune", goal=GOAL), 0)
    letter = with_count(make_action(home, slug="lettre", goal=GOAL), 4)

    def url(page):
        return f"http://fr.localhost:{port}{page.get_url_parts()[2]}"

    at_four = measure(browser_page, url(few))
    assert (at_four["value"], at_four["max"]) == ("4", "10000")
    # 4 of 10,000 is a sliver: visible, nowhere near full (it looked full before).
    assert 4 <= at_four["filled"] and at_four["share"] < 0.05
    # The track is light and outlined in a dark colour: it cannot be taken for a filled bar.
    assert at_four["track_luminance"] > 0.8
    assert at_four["border_width"] >= 1 and at_four["border_luminance"] < 0.2

    at_half = measure(browser_page, url(half))
    assert (at_half["value"], at_half["max"]) == ("5000", "10000")
    assert at_half["share"] == pytest.approx(0.5, abs=0.02)

    assert measure(browser_page, url(none))["filled"] == 0

    letters = measure(browser_page, url(letter))
    assert (letters["value"], letters["max"]) == ("4", "10000")
    assert 4 <= letters["filled"] and letters["share"] < 0.05
    assert letters["track_luminance"] > 0.8
