"""Template helpers for petition pages: accessible form widgets and grouped numbers."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def accessible_widget(field):
    """The field's widget, tied to its error list (aria-describedby) and marked invalid when it has errors."""
    attrs = {}
    if field.errors:
        attrs = {"aria-describedby": f"{field.auto_id}_errors", "aria-invalid": "true"}
    return field.as_widget(attrs=attrs)


@register.filter
def grouped(value):
    """1000 → 1 000 (in the active language's style)."""
    return number_format(value, force_grouping=True)
