"""Name search that finds a person by any spelling: other scripts, transliterations, missing diacritics.

Names reach us transliterated differently by every source (Kalesnikava, Kolesnikova) and in
Cyrillic (Калеснікава, Колесникова). PostgreSQL's full-text search compares words exactly, so
the index stores, next to each spelling, its ASCII folding (anyascii: Białacki → bialacki,
Колесникова → kolesnikova) and a transliteration key (the folded word's consonants, with the
usual variants merged), and a query is folded the same way before it is searched.
"""

import re

from anyascii import anyascii
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, PlainText

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
KEY_PREFIX = "tk"  # keeps keys apart from real words (a key "blck" must not match a word "blck")

# Spellings of one sound across transliteration systems, merged before vowels are dropped.
_SOUNDS = [
    ("shch", "s"),
    ("sch", "s"),
    ("tsch", "c"),
    ("tch", "c"),
    ("ch", "c"),
    ("cz", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("zh", "z"),
    ("sh", "s"),
    ("sz", "s"),
    ("kh", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("ph", "f"),
    ("q", "k"),
]
_VOWELS = re.compile(r"[aeiouyjh]")
_REPEATS = re.compile(r"(.)\1+")


def fold(text):
    """Lower-case ASCII words of `text` (any script, diacritics removed)."""
    return re.findall(r"[a-z0-9]+", anyascii(text).lower())


def transliteration_key(word):
    """One key for the ways a name is transliterated: Kalesnikava, Kolesnikova, Kolesnikava → tkklsnkv."""
    if not word.isalpha():
        return ""
    key = word
    for spelling, sound in _SOUNDS:
        key = key.replace(spelling, sound)
    key = _REPEATS.sub(r"\1", _VOWELS.sub("", key))
    # Too short a key (one consonant) matches unrelated names.
    return f"{KEY_PREFIX}{key}" if len(key) >= 2 else ""


def name_variants(spellings):
    """The words to index for a person: each spelling as written, folded, and as transliteration keys."""
    words = []
    for spelling in spellings:
        words.append(spelling)
        for word in fold(spelling):
            words.append(word)
            key = transliteration_key(word)
            if key:
                words.append(key)
    return list(dict.fromkeys(words))


def build_query(text):
    """A Wagtail search query for a visitor's input, or None when it holds no letter or digit.

    Every word must match, as written (folded) or by its transliteration key.
    """
    words = fold((text or "")[:MAX_QUERY_LENGTH])[:MAX_QUERY_WORDS]
    if not words:
        return None
    clauses = []
    for word in words:
        key = transliteration_key(word)
        clauses.append(Or([PlainText(word), PlainText(key)]) if key else PlainText(word))
    return clauses[0] if len(clauses) == 1 else And(clauses)


def matching_translation_keys(text):
    """translation_keys of the records whose names match `text` (any language's row may match).

    Whole words match by spelling or transliteration key; a word being typed ("Kalesn") matches
    as the start of a name through the autocomplete index.
    """
    from .models import PrisonerRecord

    query = build_query(text)
    if query is None:
        return None
    backend = get_search_backend()
    records = PrisonerRecord.objects.all()
    found = {record.translation_key for record in backend.search(query, records)}
    words = " ".join(fold(text[:MAX_QUERY_LENGTH])[:MAX_QUERY_WORDS])
    found |= {record.translation_key for record in backend.autocomplete(words, records)}
    return found
