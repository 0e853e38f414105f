"""Registering a CRM webhook in the admin: HTTPS to a public host only, a section's own staff only."""

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from crm.models import WebhookDestination
from sections.demo import create_sections


class WebhookAddressesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = create_sections()
        cls.officers = {}
        for code in ("fr", "ch"):
            cls.officers[code] = User.objects.create_user(f"{code}-officer", password="pw")
            cls.officers[code].groups.add(cls.sections[code].groups["data-officer"])
        cls.ch_crm = WebhookDestination.objects.create(
            site=cls.sections["ch"].site, name="CiviCRM Zürich", url="https://crm.example.ch/hook"
        )

    def add(self, url, code="fr", site_code=None):
        self.client.force_login(self.officers[code])
        data = {
            "site": self.sections[site_code or code].site.pk,
            "name": "Notre CRM",
            "url": url,
            "active": "on",
        }
        return self.client.post(reverse("crm_webhooks:add"), data)

    def assert_refused(self, url, message):
        response = self.add(url)
        self.assertEqual(response.status_code, 200)
        # The admin speaks the staff member's language (French, the project's default, here).
        self.assertContains(response, '<html lang="fr"')
        with translation.override("fr"):
            message = translation.gettext(message)
        form = response.context["form"]
        self.assertEqual(form.errors["url"], [message])
        # What they typed is kept, and the message is shown on the page.
        self.assertContains(response, f'value="{url}"')
        self.assertContains(response, message.replace("'", "&#x27;"))
        self.assertFalse(WebhookDestination.objects.filter(name="Notre CRM").exists())

    def test_a_plain_http_address_is_refused(self):
        self.assert_refused(
            "http://crm.example.org/hook",
            "The address must start with https:// (supporters' data is only sent encrypted).",
        )

    def test_a_private_or_loopback_address_is_refused_without_the_loopback_setting(self):
        private = "This address points to a private or local network: enter the CRM's public address."
        for url in (
            "https://10.0.0.8/hook",
            "https://192.168.1.20/hook",
            "https://localhost/hook",
            "https://[::1]/hook",
            "https://169.254.169.254/latest/meta-data/",
        ):
            with self.subTest(url=url):
                self.assert_refused(url, private)
        self.assert_refused(
            "http://127.0.0.1:8761/hook",
            "The address must start with https:// (supporters' data is only sent encrypted).",
        )

    def test_an_address_that_is_not_a_web_address_is_refused(self):
        self.assert_refused(
            "ftp://crm.example.org/hook",
            "Enter a full address, such as https://crm.example.org/webhooks/plaidoyer.",
        )

    def test_an_address_with_a_user_name_or_a_host_nobody_knows_is_refused(self):
        self.assert_refused(
            "https://crm:motdepasse@crm.example.org/hook",
            "Leave the user name and password out of the address: requests are signed instead.",
        )
        # .invalid never resolves (RFC 2606).
        self.assert_refused("https://crm.invalid/hook", "The host name of this address could not be found.")

    @override_settings(CRM_WEBHOOK_ALLOW_LOOPBACK=True)
    def test_loopback_is_accepted_only_with_the_setting_and_private_networks_still_are_not(self):
        response = self.add("http://127.0.0.1:8761/hook")
        crm = WebhookDestination.objects.get(name="Notre CRM")
        # Added: the answer is the page that shows its signing secret, once.
        self.assertContains(response, crm.signing_secret)
        self.assertEqual(crm.site, self.sections["fr"].site)
        crm.delete()
        self.assert_refused(
            "http://10.0.0.8/hook",
            "The address must start with https:// (supporters' data is only sent encrypted).",
        )

    def test_staff_register_webhooks_for_their_own_section_only_and_see_only_its_webhooks(self):
        response = self.add("https://crm.example.org/hook", code="fr", site_code="ch")
        self.assertEqual(response.status_code, 200)
        self.assertIn("site", response.context["form"].errors)
        self.assertFalse(WebhookDestination.objects.filter(name="Notre CRM").exists())

        self.client.force_login(self.officers["fr"])
        self.assertNotContains(self.client.get(reverse("crm_webhooks:index")), "CiviCRM")
        self.assertEqual(
            self.client.get(reverse("crm_webhooks:inspect", args=[self.ch_crm.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("crm_webhooks:edit", args=[self.ch_crm.pk])).status_code, 404
        )

        self.client.force_login(self.officers["ch"])
        self.assertContains(self.client.get(reverse("crm_webhooks:index")), "CiviCRM")
        inspect = self.client.get(reverse("crm_webhooks:inspect", args=[self.ch_crm.pk]))
        self.assertContains(inspect, "CiviCRM Zürich")
        # Its secret was shown once, when it was added (crm/tests/test_webhooks.py), never again.
        self.assertNotContains(inspect, self.ch_crm.signing_secret)
