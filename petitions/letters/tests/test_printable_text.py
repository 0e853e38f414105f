"""What cannot be printed (emojis, other scripts, invisible characters) is named in plain words, in the page's language."""

import html
import re

import pytest
from django.test import TestCase
from django.utils import translation

from petitions.letters.forms import MessageForm
from petitions.letters.models import Letter, SolidarityMessage
from sections.demo import create_sections
from sections.translation import translate

from .helpers import CH, generate, make_action, page_url, shown

EMOJIS = "Emojis and symbols such as %(characters)s cannot be printed. Please remove them."
OTHER_SCRIPT = (
    "Characters such as %(characters)s cannot be printed: the letter's typeface has Latin, Cyrillic "
    "and Greek letters only. Please remove them."
)
INVISIBLE = (
    "This text contains invisible characters, often pasted in with it, that cannot be printed. "
    "Please type it in again rather than pasting it."
)
LANGUAGES = ["fr", "de", "it"]


def field_errors(response, field_id):
    match = re.search(
        rf'<ul class="errorlist" id="id_{field_id}_errors">(.*?)</ul>', response.content.decode(), re.S
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


class PrintableTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            sections = create_sections()
        cls.pages = {"fr": make_action(sections["ch"].home)}
        for language, title in [("de", "Schreiben Sie für Maryia"), ("it", "Scrivete per Maryia")]:
            with cls.captureOnCommitCallbacks(execute=True):
                cls.pages[language] = translate(cls.pages["fr"], language, {cls.pages["fr"].title: title})

    def post_message(self, language, text):
        data = {"author_name": "Léa", "town": "Sion", "text": text, "consent": "on"}
        return self.client.post(
            page_url(self.pages[language], "message/"),
            {f"message-{key}": value for key, value in data.items()},
            HTTP_HOST=CH,
        )

    def test_an_emoji_in_a_message_is_named_in_plain_words_next_to_the_field_in_each_language(self):
        for language in LANGUAGES:
            response = self.post_message(language, "Courage Maryia 💛")
            self.assertEqual(response.status_code, 400, language)
            errors = field_errors(response, "message-text")
            self.assertEqual(errors, shown(EMOJIS, language, characters="💛"), language)
            self.assertNotIn("U+", errors)
            self.assertNotEqual(errors, EMOJIS % {"characters": "💛"}, f"{language} is not translated")
            self.assertIn("Courage Maryia 💛</textarea>", response.content.decode())
        self.assertEqual(SolidarityMessage.objects.count(), 0)

    def test_an_emoji_in_a_letters_own_paragraph_is_named_in_plain_words_in_each_language(self):
        for language in LANGUAGES:
            response = generate(
                self.client, self.pages[language], language=language, personal_paragraph="Libérez-la ! ✊🏽"
            )
            self.assertEqual(response.status_code, 400, language)
            errors = field_errors(response, "personal_paragraph")
            self.assertEqual(errors, shown(EMOJIS, language, characters="✊"), language)
            self.assertIn("Libérez-la ! ✊🏽</textarea>", response.content.decode())
        self.assertEqual(Letter.objects.count(), 0)

    def test_an_emoji_shown_as_a_symbol_on_screen_is_refused_by_its_name_too(self):
        response = self.post_message("fr", "Je pense à toi ❤️")
        self.assertEqual(field_errors(response, "message-text"), shown(EMOJIS, characters="❤"))

    def test_letters_of_a_script_the_typeface_lacks_are_named(self):
        response = self.post_message("de", "Маша, 加油")
        self.assertEqual(
            field_errors(response, "message-text"), shown(OTHER_SCRIPT, "de", characters="加 油")
        )

    def test_invisible_characters_are_described_not_spelled_as_code_points(self):
        response = self.post_message("it", "Coraggio\x0c Maryia")
        self.assertEqual(field_errors(response, "message-text"), shown(INVISIBLE, "it"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "de", "it", "en"])
def test_the_emoji_message_exists_in_every_catalog(language):
    form = MessageForm(
        {"message-author_name": "Léa", "message-text": "Courage 😀", "message-consent": "on"},
        prefix="message",
    )
    with translation.override(language):
        assert form.errors["text"] == [shown(EMOJIS, language, characters="😀")]
        if language != "en":
            assert form.errors["text"][0] != EMOJIS % {"characters": "😀"}
