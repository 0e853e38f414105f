"""`long_date`: a date as the page's language writes it in running text ("1er décembre 2026")."""

from django import template

from sections.dates import long_date as format_long_date

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value):
    """The date in the active language; an empty value stays empty."""
    if value in (None, ""):
        return ""
    return format_long_date(value)
