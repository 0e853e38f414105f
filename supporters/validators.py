"""What every form accepts as a person's name: one line of plain text, no markup, no links."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Markup and links have no place in a name that goes to an addressee, a payment service or a CRM.
MARKUP = re.compile(r"[<>{}\\]|://")
# Line and paragraph separators end a line as CR and LF do (an email header, a CSV cell, a letter).
LINE_SEPARATORS = {"\u2028", "\u2029"}


def has_control_characters(value):
    return any(unicodedata.category(character) == "Cc" or character in LINE_SEPARATORS for character in value)


def validate_name(value):
    """The one rule for names in every form (signatures, letters, messages, donations)."""
    if has_control_characters(value):
        raise ValidationError(
            _("Please write your name on one line, without line breaks or invisible characters."),
            code="control",
        )
    if MARKUP.search(value):
        raise ValidationError(
            _("Please write your name without the characters < > { } \\ or web addresses."), code="markup"
        )
