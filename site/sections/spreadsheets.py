"""Spreadsheet exports of supporters' data that no spreadsheet can run as formulas (CSV injection).

Every section-scoped admin export goes through it (sections.viewsets adds the mixin).
"""

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """For Wagtail index views with `list_export`: every exported text cell goes through `neutralise_formula`.

    Wagtail's own export leaves CSV cells as they are (XLSX only stops openpyxl's formula detection).
    """

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_formula(super().preprocess_field_value(field, value, export_format))
