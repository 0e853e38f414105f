"""Dates as each language writes them in running text: "1er décembre 2026", "1. Dezember 2026", "1º dicembre 2026".

Django's locale formats have no ordinal for French and Italian, where the first
of the month is "1er" and "1º" and every other day a plain number: every date a
visitor reads (pages, letters, emails, receipts) goes through `long_date`, in
templates as `{% load dates %}{{ value|long_date }}`.
"""

import datetime
import re

from django.utils import formats, timezone, translation

# Django's Italian DATE_FORMAT is "d F Y" and its month names are capitalised ("02 Dicembre"):
# Italian running text writes "2 dicembre".
DATE_FORMATS = {"it": "j F Y"}
LOWER_CASE_MONTHS = {"it"}
FIRST_OF_MONTH = {"fr": r"j\e\r", "it": "jº"}
DAY_OF_MONTH = re.compile(r"(?<!\\)j")
MONTH_NAME = re.compile(r"(?<!\\)F")


def long_date(value=None, language=None, overrides=None):
    """`value` (today by default) in `language` (the active one by default); `overrides`: {language: format}."""
    if value is None:
        value = timezone.localdate()
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    language = language or translation.get_language() or "fr"
    base = language.split("-")[0].lower()
    with translation.override(language):
        pattern = (overrides or {}).get(base) or DATE_FORMATS.get(base) or formats.get_format("DATE_FORMAT")
        if value.day == 1 and base in FIRST_OF_MONTH:
            pattern = DAY_OF_MONTH.sub(lambda match: FIRST_OF_MONTH[base], pattern)
        if base in LOWER_CASE_MONTHS:
            month = "".join(f"\\{letter}" for letter in formats.date_format(value, "F").lower())
            pattern = MONTH_NAME.sub(lambda match: month, pattern)
        return formats.date_format(value, pattern)
