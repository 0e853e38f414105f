"""Checks that what a visitor types can be printed as it is: one line where one is expected, plain text, a drawable script."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .pdf import printable_codepoints

# Bidirectional classes of right-to-left scripts and the invisible controls that reorder text.
RTL_CLASSES = {"R", "AL"}
BIDI_CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z#][a-zA-Z0-9]*;")
NAME_PUNCTUATION = set(" '’‘-.‐")
PLACE_PUNCTUATION = NAME_PUNCTUATION | set(",()/")


# Emoji or text presentation selectors (as in "❤️"): they say how a screen draws a symbol, print has one way.
PRESENTATION_SELECTORS = dict.fromkeys(map(ord, "\ufe0e\ufe0f"))


def normalise(value):
    """NFC, so that an accent typed as a combining mark prints as the letter the font has."""
    return unicodedata.normalize("NFC", value or "").translate(PRESENTATION_SELECTORS)


# Skin tones: shown alone they read as a brown square, so the emoji they modify is shown instead.
EMOJI_MODIFIERS = set(map(chr, range(0x1F3FB, 0x1F400)))


def _visible(characters):
    """The characters a visitor can see and recognise, once each."""
    return [
        c
        for c in dict.fromkeys(characters)
        if unicodedata.category(c)[0] not in "CZM" and c not in EMOJI_MODIFIERS
    ]


def _describe(characters):
    """The characters in quotes, as typed; invisible ones named in words (never a code point)."""
    shown = [f"“{character}”" for character in _visible(characters)]
    if any(unicodedata.category(c)[0] == "Z" for c in characters):
        shown.append(str(_("special spaces")))
    if any(unicodedata.category(c)[0] in "CM" for c in characters):
        shown.append(str(_("invisible characters")))
    return ", ".join(shown)


def _unprintable(characters):
    """Plain words saying what to remove: emojis and symbols, letters of another script, or invisible characters."""
    visible = _visible(characters)
    if not visible:
        return ValidationError(
            _(
                "This text contains invisible characters, often pasted in with it, that cannot be printed. "
                "Please type it in again rather than pasting it."
            ),
            code="unprintable",
        )
    shown = " ".join(visible[:3])
    if all(unicodedata.category(c)[0] == "S" for c in visible):
        message = _("Emojis and symbols such as %(characters)s cannot be printed. Please remove them.")
    else:
        message = _(
            "Characters such as %(characters)s cannot be printed: the letter's typeface has Latin, Cyrillic "
            "and Greek letters only. Please remove them."
        )
    return ValidationError(message % {"characters": shown}, code="unprintable")


def check_printable(value, *, multiline=False):
    """Raise a ValidationError explaining what cannot go into a printed letter, else return `value`."""
    if not multiline and ("\n" in value or "\r" in value):
        raise ValidationError(_("Please keep this on one line."), code="multiline")
    if HTML_TAG.search(value):
        raise ValidationError(
            _("Please write plain text: tags such as <b> or &amp; codes cannot be printed."), code="html"
        )
    right_to_left = [c for c in value if unicodedata.bidirectional(c) in RTL_CLASSES or c in BIDI_CONTROLS]
    if right_to_left:
        raise ValidationError(
            _(
                "Right-to-left writing (such as Arabic or Hebrew) and direction marks cannot be laid out "
                "in this printed letter. Please use a left-to-right script."
            ),
            code="rtl",
        )
    allowed_controls = "\n\r\t" if multiline else ""
    printable = printable_codepoints()
    unprintable = [
        c
        for c in value
        if c not in allowed_controls
        and (unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} or ord(c) not in printable)
    ]
    if unprintable:
        raise _unprintable(unprintable)
    return value


def check_name(value, allowed_punctuation=NAME_PUNCTUATION):
    """Names and places: letters, marks, spaces and a little punctuation; no digits in a name."""
    check_printable(value)
    odd = [c for c in value if not (unicodedata.category(c)[0] in "LM" or c in allowed_punctuation)]
    if odd:
        raise ValidationError(
            _("Please use letters only here (not %(characters)s).") % {"characters": _describe(odd)},
            code="name",
        )
    return value


def check_place(value):
    check_printable(value)
    odd = [c for c in value if not (unicodedata.category(c)[0] in "LMN" or c in PLACE_PUNCTUATION)]
    if odd:
        raise ValidationError(
            _("Please use letters, digits and spaces only here (not %(characters)s).")
            % {"characters": _describe(odd)},
            code="place",
        )
    return value


def check_paragraph(value, max_lines):
    check_printable(value, multiline=True)
    lines = [line for line in value.splitlines() if line.strip()]
    if len(lines) > max_lines:
        raise ValidationError(
            _("Please keep this to %(max)d lines at most.") % {"max": max_lines}, code="too_many_lines"
        )
    return value
