"""Print-ready PDFs: a visitor's A4 letter (DIN 5008 form B, windowed envelope) and solidarity message cards.

Fonts are DejaVu Serif, shipped in `fonts/` with their licence: they cover
Latin, Cyrillic and Greek. Text that reaches this module has been checked by
`petitions.letters.text` against the same font, so no glyph is ever missing.
"""

from functools import lru_cache
from pathlib import Path

from django.utils import formats, timezone, translation
from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}
FAMILY = "LetterSerif"

# DIN 5008 form B, in millimetres: the address field sits 45 mm from the top
# and 20 mm from the left, 85 × 45 mm, which is where the window of a C5, C5/6
# or DL envelope lies once the A4 sheet is folded at 105 and 210 mm.
PAGE_LEFT = 25
PAGE_RIGHT = 20
ADDRESS_TOP = 45
ADDRESS_LEFT = 25
ADDRESS_WIDTH = 80
ADDRESS_BOTTOM = 90
INFO_LEFT = 125
INFO_TOP = 50
BODY_TOP = 103
FOLD_MARKS = (105, 210)
PUNCH_MARK = 148.5

# Some letter-writers' date formats read better spelled out than abbreviated.
DATE_FORMATS = {"en": "j F Y"}


@lru_cache(maxsize=1)
def printable_codepoints():
    """Every character that all three faces can draw."""
    codepoints = None
    for style in FONTS:
        cmap = set(TTFont(FONT_DIR / FONTS[style], lazy=True).getBestCmap())
        codepoints = cmap if codepoints is None else codepoints & cmap
    return frozenset(codepoints)


def letter_date(language, day=None):
    """The date as a letter in `language` writes it (Django's own locale formats, no extra library)."""
    day = day or timezone.localdate()
    with translation.override(language):
        return formats.date_format(day, DATE_FORMATS.get(language, "DATE_FORMAT"))


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


def letter_pdf(*, text, sender_lines, town, date_text, personal_paragraph, signature):
    """The letter as PDF bytes.

    `text` is a `LetterText` (salutation, paragraphs, closing, addressee lines),
    `sender_lines` the writer's name, town and country.
    """
    pdf = _LetterDocument(styles=("", "B"))
    pdf.set_title(text.salutation)
    pdf.set_lang(text.language)
    pdf.alias_nb_pages()
    pdf.add_page()
    _fold_marks(pdf)

    # Sender and date (information block, right).
    pdf.set_xy(INFO_LEFT, INFO_TOP)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(210 - INFO_LEFT - PAGE_RIGHT, 4.6, sender_lines[0], align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in sender_lines[1:]:
        pdf.multi_cell(210 - INFO_LEFT - PAGE_RIGHT, 4.6, line, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(INFO_LEFT, pdf.get_y() + 4.6)
    pdf.multi_cell(
        210 - INFO_LEFT - PAGE_RIGHT, 4.6, f"{town}, {date_text}", align="L", new_x="LEFT", new_y="NEXT"
    )

    # Return address line and addressee (the envelope window).
    pdf.set_xy(ADDRESS_LEFT, ADDRESS_TOP + 5)
    pdf.set_font(FAMILY, "", 7)
    pdf.cell(ADDRESS_WIDTH, 3.5, " · ".join(sender_lines), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(ADDRESS_LEFT, ADDRESS_TOP + 17.7 - 4.5 * max(len(text.address_lines) - 6, 0))
    pdf.set_font(FAMILY, "", 10)
    for line in text.address_lines:
        pdf.multi_cell(ADDRESS_WIDTH, 4.5, line, align="L", new_x="LEFT", new_y="NEXT")

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
