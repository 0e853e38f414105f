"""A person's profile, and its JSON, show every section's signatures and letters for them, and each section's own."""

import re

from django.test import TestCase
from django.utils.translation import gettext, override
from wagtail.models import Locale

from petitions.letters.models import LetterActionPage
from petitions.models import PetitionPage
from prisoners.models import PrisonerIndexPage, PrisonerPage, PrisonerRecord
from sections.demo import create_sections
from sections.translation import translate
from supporters.models import ActionCount


def publish(parent, page):
    page.locale = parent.locale
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def petition(parent, slug, *records):
    page = publish(
        parent, PetitionPage(title=slug, slug=slug, addressee_name="Autorités", demand="Libérez-la.")
    )
    page.prisoners.set(records)
    page.save_revision().publish()
    return page


def said(message, **values):
    """A sentence as a French-speaking visitor reads it."""
    with override("fr"):
        return " ".join((gettext(message) % values).split())


def visible_text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


class CoalitionCountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # wagtail-localize publishes translations on commit.
        with cls.captureOnCommitCallbacks(execute=True):
            sections = create_sections()
            french = Locale.objects.get(language_code="fr")
            cls.record = PrisonerRecord.objects.create(
                full_name="Maryia Kalesnikava", country="Bélarus", locale=french
            )
            other = PrisonerRecord.objects.create(
                full_name="Ales Bialiatski", country="Bélarus", locale=french
            )
            german_record = translate(cls.record, "de", {"Bélarus": "Belarus"})
            ch, fr, tg = sections["ch"].home, sections["fr"].home, sections["tg"].home
            # Switzerland: a petition in French and German (one count), naming the German record.
            ch_petition = petition(ch, "kalesnikava", german_record)
            translate(ch_petition, "de", {})
            # France: a letter action naming the French record, and a petition for someone else.
            letters = LetterActionPage(
                title="Écrivez-lui",
                slug="ecrivez-lui",
                addressee_title="Ministre",
                addressee_address="vul. Lenina 19\n220030 Minsk",
                addressee_country="Bélarus",
                salutation="Monsieur le Ministre,",
                letter_body="Libérez-la.",
                closing="Salutations.",
            )
            publish(fr, letters).prisoners.set([cls.record])
            letters.save_revision().publish()
            other_petition = petition(fr, "bialiatski", other)
            # Togo: a draft that names her (it counts only once published).
            draft = petition(tg, "brouillon", cls.record)
            draft.unpublish()
            ActionCount.objects.create(key=ch_petition.translation_key, count=10, offset=5)
            ActionCount.objects.create(key=letters.translation_key, count=7)
            ActionCount.objects.create(key=other_petition.translation_key, count=100)
            ActionCount.objects.create(key=draft.translation_key, count=1000)
            cls.profiles = {}
            for code, home in (("ch", ch), ("fr", fr)):
                index = publish(home, PrisonerIndexPage(title="Prisonniers", slug="prisonniers"))
                cls.profiles[code] = publish(
                    index, PrisonerPage(title="Maryia Kalesnikava", slug="kalesnikava", record=cls.record)
                )

    def get(self, code, suffix=""):
        page = self.profiles[code]
        return self.client.get(page.get_url_parts()[2] + suffix, HTTP_HOST=f"{code}.localhost:8000")

    def test_the_json_has_the_coalition_total_and_each_sections_own(self):
        response = self.get("fr", "counts/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(
            response.json(),
            {
                "type": "person",
                "name": "Maryia Kalesnikava",
                "url": "http://fr.localhost:8000/fr/prisonniers/kalesnikava/",
                "total": 22,
                "sections": [
                    {"code": "ch", "name": "Plaidoyer Suisse", "count": 15},
                    {"code": "fr", "name": "Plaidoyer France", "count": 7},
                ],
            },
        )

    def test_every_sections_profile_shows_the_same_total(self):
        for code in ("ch", "fr"):
            with self.subTest(code):
                text = visible_text(self.get(code))
                sentence = "Signatures and letters for %(name)s, every section together: %(total)s"
                self.assertIn(said(sentence, name="Maryia Kalesnikava", total=22), text)
                self.assertIn(said("%(section)s: %(number)s", section="Plaidoyer Suisse", number=15), text)
                self.assertIn(said("%(section)s: %(number)s", section="Plaidoyer France", number=7), text)

    def test_the_profile_links_to_its_json(self):
        html = self.get("ch").content.decode()
        self.assertIn(
            '<link rel="alternate" type="application/json" href="/fr/prisonniers/kalesnikava/counts/">', html
        )

    def test_a_new_signature_anywhere_raises_the_total_on_the_next_request(self):
        key = PetitionPage.objects.get(slug="kalesnikava", locale__language_code="de").translation_key
        ActionCount.increment(key)
        self.assertEqual(self.get("ch", "counts/").json()["total"], 23)

    def test_nothing_but_a_get_is_answered(self):
        self.assertEqual(
            self.client.post(
                self.profiles["ch"].get_url_parts()[2] + "counts/", HTTP_HOST="ch.localhost:8000"
            ).status_code,
            405,
        )
