"""Printable petition sheets (A4 PDF): the petition's text, numbered lines to sign, the batch number and its QR code.

The fonts are the postal letters' (petitions.letters.pdf, DejaVu Serif). The QR code is drawn as
vector squares from `qrcode`'s module matrix, so it prints sharp at any resolution.
"""

import math
from dataclasses import dataclass

import qrcode
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF

from petitions.letters.pdf import FAMILY, FONT_DIR, FONTS

PAGE_WIDTH, PAGE_HEIGHT = 210, 297
MARGIN = 15
WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 26
FOOTER_TOP = PAGE_HEIGHT - MARGIN - QR_SIZE
HEADER_ROW = 7
ROW_HEIGHT = 11
MAX_LINES = 15
MIN_LINES = 5
# Columns: line number, name, postal code and town, signature (mm).
COLUMNS = (8, 68, 52, WIDTH - 8 - 68 - 52)


@dataclass(frozen=True)
class SheetText:
    """What every sheet of a batch prints, in the batch's language."""

    language: str
    section_name: str
    return_address: str
    title: str
    addressee: str
    demand: str
    consent: str


class _SheetDocument(FPDF):
    def __init__(self):
        super().__init__(format="A4", unit="mm")
        for style in ("", "B", "I"):
            self.add_font(FAMILY, style=style, fname=FONT_DIR / FONTS[style])
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.set_creator("Plaidoyer")

    def block(self, text, size, style="", height=None):
        self.set_font(FAMILY, style, size)
        self.multi_cell(WIDTH, height or size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")

    def block_height(self, text, size, style="", height=None):
        self.set_font(FAMILY, style, size)
        return len(self.multi_cell(WIDTH, 1, text, dry_run=True, output="LINES")) * (height or size * 0.5)


def qr_rows(url):
    """The QR code of `url` as rows of booleans (True: a dark module), with the standard 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def _draw_qr(pdf, rows, left, top, size):
    module = size / len(rows)
    pdf.set_fill_color(0)
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            # One rectangle per run of dark modules keeps the file small.
            pdf.rect(left + start * module, top + y * module, (x - start) * module, module, style="F")


def sheets_pdf(text, batch_label, url, sheets):
    """(PDF bytes, lines per sheet): `sheets` A4 sheets of `text`, each with the batch's label and QR code of `url`."""
    pdf = _SheetDocument()
    pdf.set_title(text.title)
    pdf.set_lang(text.language)
    rows = qr_rows(url)
    with override(text.language):
        labels = (_("Name"), _("Postal code and town"), _("Signature"))
        addressee = _("To: %(addressee)s") % {"addressee": text.addressee}
        return_to = _("Please return the completed sheets to:")
        lines = None
        for sheet in range(1, sheets + 1):
            pdf.add_page()
            pdf.set_text_color(80)
            pdf.block(text.section_name, 9)
            pdf.set_text_color(0)
            pdf.ln(2)
            pdf.block(text.title, 15, "B", 7)
            pdf.ln(1)
            pdf.block(addressee, 10, "I")
            pdf.ln(2)
            pdf.block(text.demand, 11, height=5.5)
            pdf.ln(4)
            table_top = pdf.get_y()
            consent_height = pdf.block_height(text.consent, 8, height=3.8) if text.consent else 0
            if lines is None:
                room = FOOTER_TOP - 4 - consent_height - 2 - table_top - HEADER_ROW
                lines = max(MIN_LINES, min(MAX_LINES, math.floor(room / ROW_HEIGHT)))
            _table(pdf, labels, lines)
            if text.consent:
                pdf.ln(2)
                pdf.block(text.consent, 8, height=3.8)
            _footer(pdf, text, batch_label, sheet, sheets, return_to, url, rows)
    return bytes(pdf.output()), lines


def _table(pdf, labels, lines):
    pdf.set_draw_color(120)
    pdf.set_line_width(0.2)
    pdf.set_font(FAMILY, "B", 9)
    pdf.cell(COLUMNS[0], HEADER_ROW, "", border=1)
    for width, label in zip(COLUMNS[1:], labels, strict=True):
        pdf.cell(width, HEADER_ROW, label, border=1)
    pdf.ln(HEADER_ROW)
    pdf.set_font(FAMILY, "", 8)
    for line in range(1, lines + 1):
        pdf.set_text_color(120)
        pdf.cell(COLUMNS[0], ROW_HEIGHT, str(line), border=1, align="C")
        pdf.set_text_color(0)
        for width in COLUMNS[1:]:
            pdf.cell(width, ROW_HEIGHT, "", border=1)
        pdf.ln(ROW_HEIGHT)
    pdf.set_draw_color(0)


def _footer(pdf, text, batch_label, sheet, sheets, return_to, url, rows):
    width = WIDTH - QR_SIZE - 6
    pdf.set_xy(MARGIN, FOOTER_TOP)
    pdf.set_font(FAMILY, "B", 11)
    heading = _("Batch %(batch)s · sheet %(sheet)s of %(sheets)s") % {
        "batch": batch_label,
        "sheet": sheet,
        "sheets": sheets,
    }
    pdf.multi_cell(width, 5.5, heading, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    address = ", ".join(line.strip() for line in text.return_address.splitlines() if line.strip())
    lines = [return_to, ", ".join(part for part in (text.section_name, address) if part)]
    for line in lines:
        pdf.multi_cell(width, 3.8, line, align="L", new_x="LMARGIN", new_y="NEXT")
    # The address the QR code holds, for whoever enters the batch without a camera.
    pdf.set_font(FAMILY, "", 6.5)
    pdf.set_text_color(80)
    pdf.multi_cell(width, 3.2, url, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    _draw_qr(pdf, rows, PAGE_WIDTH - MARGIN - QR_SIZE, FOOTER_TOP, QR_SIZE)
