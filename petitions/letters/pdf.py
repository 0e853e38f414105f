"""Print-ready PDFs: a visitor's A4 letter for a window envelope (window left or right) and solidarity message cards.

Fonts are DejaVu Serif, shipped in `fonts/` with their licence: they cover
Latin, Cyrillic and Greek. Text that reaches this module has been checked by
`petitions.letters.text` against the same font, so no glyph is ever missing.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from sections.dates import long_date

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}
FAMILY = "LetterSerif"

PAGE_LEFT = 25
PAGE_RIGHT = 20
BODY_TOP = 103
FOLD_MARKS = (105, 210)
PUNCH_MARK = 148.5


@dataclass(frozen=True)
class Window:
    """Where the address is printed for the envelope's window to show it (mm from the sheet's top left), and the sender's block beside it."""

    left: float
    width: float
    info_left: float
    info_width: float = 65
    top: float = 45
    bottom: float = 90

    @property
    def right(self):
        return self.left + self.width


# Both windows span 45-90 mm from the top once the sheet is folded at 105 and 210 mm.
# Left: DIN 5008 form B (German and Austrian envelopes), the field 20-105 mm from the
# left edge, text from 25 mm. Right: Swiss (SN 010 130) and French C5/6 and DL window
# envelopes, text from 118 mm to the 20 mm right margin.
WINDOWS = {
    "left": Window(left=25, width=80, info_left=125),
    "right": Window(left=118, width=72, info_left=PAGE_LEFT, info_width=80),
}
# Inside the window: the return address line 5 mm under its top edge; the address itself
# starts under DIN 5008's 17.7 mm note zone, and a long one may climb into that zone,
# never over the return address.
RETURN_LINE_OFFSET = 5
RETURN_LINE_SIZES = (7, 6.5, 6)
ADDRESS_OFFSET = 17.7
ADDRESS_HIGHEST_OFFSET = 10
# Points, largest first: an address that does not fit is set smaller, down to 8 pt,
# the smallest size post offices' sorting machines and readers take without trouble.
ADDRESS_SIZES = (10, 9.5, 9, 8.5, 8)
LINE_HEIGHT_PER_POINT = 0.45  # mm of line per point of type: 4.5 mm lines at 10 pt


class AddressDoesNotFit(ValueError):
    """The addressee block is taller than the envelope window, even at the smallest size."""

    def __init__(self, printed_lines, max_lines):
        super().__init__(f"{printed_lines} printed lines, at most {max_lines} fit")
        self.printed_lines = printed_lines
        self.max_lines = max_lines


@dataclass(frozen=True)
class AddressBlock:
    """The addressee lines as they are printed (wrapped to the window), their size and where they start."""

    size: float
    top: float
    rows: tuple

    @property
    def line_height(self):
        return self.size * LINE_HEIGHT_PER_POINT


@lru_cache(maxsize=1)
def printable_codepoints():
    """Every character that all three faces can draw."""
    codepoints = None
    for style in FONTS:
        cmap = set(TTFont(FONT_DIR / FONTS[style], lazy=True).getBestCmap())
        codepoints = cmap if codepoints is None else codepoints & cmap
    return frozenset(codepoints)


# A letter's date reads better spelled out than abbreviated (Django's English "Dec. 1, 2026").
DATE_FORMATS = {"en": "j F Y"}


def letter_date(language, day=None):
    """The date as a letter in `language` writes it: spelled out, "1er décembre 2026" in French."""
    return long_date(day, language, overrides=DATE_FORMATS)


class _Document(FPDF):
    def __init__(self, styles=("", "B", "I")):
        super().__init__(format="A4", unit="mm")
        # Parsing a face costs a few tens of milliseconds: load only those the document uses.
        for style in styles:
            self.add_font(FAMILY, style=style, fname=FONT_DIR / FONTS[style])
        self.set_margins(PAGE_LEFT, 20, PAGE_RIGHT)
        self.set_auto_page_break(True, margin=20)
        self.set_creator("Plaidoyer")

    def paragraph(self, text, size=11, style="", height=5.5, align="L"):
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


class _LetterDocument(_Document):
    def footer(self):
        if self.pages_count > 1:
            self.set_y(-14)
            self.set_font(FAMILY, "", 8)
            self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")


def address_block(pdf, lines, window):
    """The addressee `lines` wrapped as `pdf` prints them in `window`, at the largest size that fits.

    Raises AddressDoesNotFit when even the smallest size needs more lines than the window holds.
    """
    room = window.bottom - (window.top + ADDRESS_HIGHEST_OFFSET)
    for size in ADDRESS_SIZES:
        block = _wrapped(pdf, lines, size, window)
        height = len(block.rows) * block.line_height
        if height <= room:
            return AddressBlock(size, min(window.top + ADDRESS_OFFSET, window.bottom - height), block.rows)
    raise AddressDoesNotFit(len(block.rows), int(room // block.line_height))


def _wrapped(pdf, lines, size, window):
    """The rows fpdf2 itself prints for `lines` at `size` in the window's width, from the highest line."""
    pdf.set_font(FAMILY, "", size)
    rows = tuple(
        row for line in lines for row in pdf.multi_cell(window.width, 1, line, dry_run=True, output="LINES")
    )
    return AddressBlock(size, window.top + ADDRESS_HIGHEST_OFFSET, rows)


def check_address_fits(lines):
    """Raise AddressDoesNotFit unless `lines` fit every window a section may choose (the narrowest decides)."""
    pdf = _Document(styles=("",))
    pdf.add_page()
    for window in WINDOWS.values():
        address_block(pdf, lines, window)


def letter_pdf(*, text, sender_lines, town, date_text, personal_paragraph, signature, window="right"):
    """The letter as PDF bytes.

    `text` is a `LetterText` (salutation, paragraphs, closing, addressee lines),
    `sender_lines` the writer's name, town and country, `window` where the
    section's envelopes have their window ("left" or "right").
    """
    window = WINDOWS[window]
    pdf = _LetterDocument(styles=("", "B"))
    pdf.set_title(text.salutation)
    pdf.set_lang(text.language)
    pdf.alias_nb_pages()
    pdf.add_page()
    _fold_marks(pdf)

    # Sender and date (the information block, beside the window).
    pdf.set_xy(window.info_left, window.top + 5)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(window.info_width, 4.6, sender_lines[0], align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in sender_lines[1:]:
        pdf.multi_cell(window.info_width, 4.6, line, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(window.info_left, pdf.get_y() + 4.6)
    pdf.multi_cell(window.info_width, 4.6, f"{town}, {date_text}", align="L", new_x="LEFT", new_y="NEXT")

    # Return address line and addressee (the envelope window).
    _return_line(pdf, " · ".join(sender_lines), window)
    try:
        block = address_block(pdf, text.address_lines, window)
    except AddressDoesNotFit:
        # Publishing refuses such an address (LetterActionPage.clean); one saved before that
        # check still prints, as small as allowed and from the highest line, rather than fail.
        logger.warning("Addressee block taller than the envelope window: %s", text.address_lines[:1])
        block = _wrapped(pdf, text.address_lines, ADDRESS_SIZES[-1], window)
    pdf.set_font(FAMILY, "", block.size)
    pdf.set_xy(window.left, block.top)
    for row in block.rows:
        pdf.cell(window.width, block.line_height, row, new_x="LEFT", new_y="NEXT")

    # The letter.
    pdf.set_xy(PAGE_LEFT, max(BODY_TOP, pdf.get_y() + 8))
    pdf.paragraph(text.salutation)
    for paragraph in text.paragraphs:
        pdf.ln(3)
        pdf.paragraph(paragraph)
    if personal_paragraph:
        for paragraph in personal_paragraph:
            pdf.ln(3)
            pdf.paragraph(paragraph)
    pdf.ln(3)
    pdf.paragraph(text.closing)

    # Room to sign, a line, the name under it.
    if pdf.get_y() > 297 - 20 - 30:
        pdf.add_page()
    pdf.ln(18)
    y = pdf.get_y()
    pdf.line(PAGE_LEFT, y, PAGE_LEFT + 70, y)
    pdf.ln(1.5)
    pdf.paragraph(signature, size=10)
    return bytes(pdf.output())


def _return_line(pdf, line, window):
    """The sender on one small line at the window's top, shortened when even 6 pt is too wide."""
    for size in RETURN_LINE_SIZES:
        pdf.set_font(FAMILY, "", size)
        if pdf.get_string_width(line) + 2 * pdf.c_margin <= window.width:
            break
    else:
        while line and pdf.get_string_width(line + "…") + 2 * pdf.c_margin > window.width:
            line = line[:-1]
        line = line.rstrip() + "…"
    pdf.set_xy(window.left, window.top + RETURN_LINE_OFFSET)
    pdf.cell(window.width, 3.5, line)


def _fold_marks(pdf):
    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    for y in FOLD_MARKS:
        pdf.line(3, y, 8, y)
    pdf.line(3, PUNCH_MARK, 10, PUNCH_MARK)
    pdf.set_draw_color(0)


CARD_WIDTH = 105
CARD_HEIGHT = 148.5


def cards_pdf(cards, heading):
    """A6 cards, four to an A4 page with cutting lines: `cards` is a list of (recipient, text, signature)."""
    pdf = _Document()
    pdf.set_auto_page_break(False)
    pdf.set_title(heading)
    for index, (recipient, text, signature) in enumerate(cards):
        slot = index % 4
        if slot == 0:
            pdf.add_page()
            pdf.set_draw_color(180)
            pdf.set_dash_pattern(dash=2, gap=2)
            pdf.line(CARD_WIDTH, 0, CARD_WIDTH, 297)
            pdf.line(0, CARD_HEIGHT, 210, CARD_HEIGHT)
            pdf.set_dash_pattern()
            pdf.set_draw_color(0)
        left = (slot % 2) * CARD_WIDTH + 10
        top = (slot // 2) * CARD_HEIGHT + 12
        width = CARD_WIDTH - 20
        pdf.set_xy(left, top)
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(width, 6, recipient, align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(FAMILY, "", 10.5 if len(text) < 350 else 9)
        pdf.multi_cell(width, 5, text, align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(FAMILY, "I", 10)
        pdf.multi_cell(width, 5, signature, align="R", new_x="LEFT", new_y="NEXT")
    if not cards:
        pdf.add_page()
        pdf.paragraph(heading)
    return bytes(pdf.output())
