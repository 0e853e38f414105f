"""Every demo page of every section language reads entirely in that language.

A crawl of the demo: each live page of each section, in each language it publishes, is read as a
visitor's browser gets it, cut into text blocks (paragraphs, headings, list items, labels, buttons,
the title…), and each block long enough to tell is classified by a language detector (lingua, which
runs offline on models it ships). A block in another language fails the test, whatever its words,
unless the page declares it (an element with its own `lang`, e.g. a model letter in Russian), in
which case it must read in the language declared. Names (a prisoner's other spellings, marked
`translate="no"` as names are) belong to no language.
"""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from lingua import Language, LanguageDetectorBuilder
from wagtail.models import Page, Site

from sections.languages import section_languages

# Transactional: wagtail-localize publishes translations on commit, as in `make run`.
pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = {
    "fr": Language.FRENCH,
    "de": Language.GERMAN,
    "it": Language.ITALIAN,
    "en": Language.ENGLISH,
    "ru": Language.RUSSIAN,
    "be": Language.BELARUSIAN,
}
CODES = {language: code for code, language in LANGUAGES.items()}
# Shorter blocks (a name, "Plaidoyer Schweiz", a date) say too little to tell one language from another.
MIN_WORDS = 6
# A block is in another language only when the detector is this sure of it.
CONFIDENCE = 0.8
BLOCKS = {
    "title",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "li",
    "dt",
    "dd",
    "label",
    "legend",
    "button",
    "blockquote",
    "figcaption",
    "address",
    "td",
    "th",
    "summary",
    "option",
}
SKIPPED = {"script", "style", "svg", "noscript"}


class TextBlocks(HTMLParser):
    """The page's text blocks, each with the language its element (or the nearest parent) declares."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, declared language, in a name)
        self.blocks = []  # [language, text parts]
        self.open_blocks = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
            return
        attributes = dict(attrs)
        declared = attributes.get("lang") or (self.stack[-1][1] if self.stack else None)
        untranslated = attributes.get("translate") == "no" or bool(self.stack and self.stack[-1][2])
        self.stack.append((tag, declared, untranslated))
        if tag in BLOCKS:
            block = [declared, [], untranslated]
            self.blocks.append(block)
            self.open_blocks.append(block)

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _lang, _untranslated = self.stack.pop()
            if open_tag in BLOCKS and self.open_blocks:
                self.open_blocks.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if any(tag in SKIPPED for tag, _lang, _untranslated in self.stack) or not self.open_blocks:
            return
        self.open_blocks[-1][1].append(data)

    def texts(self):
        for language, parts, untranslated in self.blocks:
            text = " ".join("".join(parts).split())
            if text and not untranslated:
                yield language, text


def detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).build()


def foreign_blocks(markup, language, detect):
    """The blocks of `markup` that read in another language than the one they are in."""
    parser = TextBlocks()
    parser.feed(markup)
    found = []
    for declared, text in parser.texts():
        expected = (declared or language).split("-")[0]
        if len(text.split()) < MIN_WORDS:
            continue
        confidences = detect.compute_language_confidence_values(text)
        best = confidences[0]
        if CODES[best.language] != expected and best.value >= CONFIDENCE:
            found.append(
                f"{CODES[best.language]} ({best.value:.2f}) where {expected} is expected: {text[:160]}"
            )
    return found


def test_the_detector_tells_the_sections_languages_apart():
    detect = detector()
    sentences = {
        "fr": "J'accepte que Plaidoyer Suisse traite mes données pour cette action.",
        "de": "Ich bin einverstanden, dass Plaidoyer Schweiz meine Daten für diese Aktion bearbeitet.",
        "it": "Accetto che Plaidoyer Svizzera tratti i miei dati per questa azione.",
    }
    for language, sentence in sentences.items():
        markup = f"<p>{sentence}</p>"
        assert foreign_blocks(markup, language, detect) == []
        others = [other for other in sentences if other != language]
        for other in others:
            assert len(foreign_blocks(markup, other, detect)) == 1, (language, other)
    # A block that the page declares in its own language is read in that language.
    names = '<dd translate="no">Nasta Loyka, Anastasia Loika, Наста Лойка, Анастасия Лойко</dd>'
    assert foreign_blocks(names, "de", detect) == []
    letter = (
        '<div lang="ru"><p>Уважаемый министр, прошу вас освободить всех политических заключённых.</p></div>'
    )
    assert foreign_blocks(letter, "de", detect) == []
    assert len(foreign_blocks(letter.replace('lang="ru"', ""), "de", detect)) == 1


def test_every_demo_page_in_every_section_language_reads_in_that_language(client):
    call_command("load_demo", stdout=StringIO())
    detect = detector()
    failures = {}
    crawled = 0
    for site in Site.objects.select_related("root_page"):
        host = f"{site.hostname}:{site.port}"
        languages = section_languages(site)
        homes = Page.objects.filter(translation_key=site.root_page.translation_key, live=True)
        for home in homes:
            language = home.locale.language_code
            if language not in languages:
                continue
            for page in Page.objects.descendant_of(home, inclusive=True).live().specific():
                path = page.get_url_parts()[2]
                response = client.get(path, HTTP_HOST=host)
                assert response.status_code == 200, f"{host}{path}"
                crawled += 1
                found = foreign_blocks(response.content.decode(), language, detect)
                if found:
                    failures[f"{host}{path}"] = found
    assert crawled >= 60  # 73 demo pages when this was written
    report = "\n".join(f"{url}\n  " + "\n  ".join(blocks) for url, blocks in sorted(failures.items()))
    assert failures == {}, report
