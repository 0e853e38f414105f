"""The prisoner records offered on petition and letter pages: each person once, in the page's language."""

import re

from django.contrib.auth.models import User
from django.test import TestCase
from wagtail.models import Page

from petitions.letters.tests.helpers import make_action
from prisoners.models import PrisonerRecord
from sections.demo import create_sections
from sections.translation import translate

from .conftest import make_record

ADD_PETITION = "/admin/pages/add/petitions/petitionpage/{}/"
ADD_LETTER = "/admin/pages/add/letters/letteractionpage/{}/"


def offered(html):
    """The prisoner records the form offers (a select's options or checkboxes), in their order."""
    select = re.search(r'<select name="prisoners".*?</select>', html, re.S)
    if select:
        pks = re.findall(r'<option value="(\d+)"', select.group(0))
    else:
        pks = re.findall(r'<input type="checkbox" name="prisoners" value="(\d+)"', html)
    records = PrisonerRecord.objects.in_bulk([int(pk) for pk in pks])
    return [records[int(pk)].full_name for pk in pks]


class PrisonerChooserTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
            kalesnikava = make_record(full_name="Maryia Kalesnikava")
            translate(kalesnikava, "de", {"Maryia Kalesnikava": "Marija Kalesnikawa"})
            translate(kalesnikava, "it", {"Maryia Kalesnikava": "Marija Kalesnikava (it)"})
            make_record(full_name="Ales Bialiatski")  # not translated yet
        cls.editor = User.objects.create_superuser("editor", "editor@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def form(self, url, language):
        response = self.client.get(url.format(self.sections["ch"].homes[language].pk))
        assert response.status_code == 200
        return response.content.decode()

    def test_a_new_german_petition_offers_each_person_once_in_german(self):
        assert offered(self.form(ADD_PETITION, "de")) == ["Ales Bialiatski", "Marija Kalesnikawa"]

    def test_a_new_italian_letter_offers_each_person_once_in_italian(self):
        assert offered(self.form(ADD_LETTER, "it")) == ["Ales Bialiatski", "Marija Kalesnikava (it)"]

    def test_a_new_french_letter_offers_each_person_once_in_french(self):
        assert offered(self.form(ADD_LETTER, "fr")) == ["Ales Bialiatski", "Maryia Kalesnikava"]

    def test_a_page_keeps_the_record_it_names_checked_and_offers_it_once(self):
        home_de = Page.objects.get(pk=self.sections["ch"].homes["de"].pk)
        french_record = PrisonerRecord.objects.get(full_name="Maryia Kalesnikava")
        action = make_action(home_de, slug="schreiben", title="Schreiben Sie für Maryia")
        action.prisoners.set([french_record])
        action.save_revision().publish()

        html = self.client.get(f"/admin/pages/{action.pk}/edit/").content.decode()

        assert offered(html) == ["Ales Bialiatski", "Maryia Kalesnikava"]
        assert re.search(rf'name="prisoners" value="{french_record.pk}"[^>]*checked', html)
