"""Every admin URL of every section-scoped viewset, generated from the registered viewsets' URL patterns:
a section's staff reach their own section's rows and get a 404 for another section's, never a 5xx."""

import datetime
import io

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import URLPattern, get_resolver, reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.admin.viewsets import viewsets

from crm.models import Delivery, Event, WebhookDestination
from donations.models import Donation, Payment, Receipt
from petitions.letters.models import Letter, SolidarityMessage
from petitions.letters.tests.helpers import make_action
from petitions.models import Signature, SignatureState
from petitions.tests.conftest import make_petition
from sections.demo import create_sections
from sections.viewsets import SectionScopedViewSetMixin
from supporters.models import EmailKind, FailedEmail, RightsKind, RightsRequest, Supporter

# Each section's rows carry its own marker, so a page that shows another section's row is caught.
PEOPLE = {"ch": ("Ueli", "Tschanz", "Thun"), "fr": ("Jeanne", "Kervella", "Brest")}

# Rows without personal data carry another marker: a data request's erased rows, shown in its outcome.
MARKERS = {RightsRequest: {"ch": "4242", "fr": "7171"}}


def marker(model, code):
    return MARKERS.get(model, {}).get(code) or PEOPLE[code][1]


# Values for the URL arguments that are not the row's id.
SAMPLE_ARGUMENTS = {"decision": "approve"}


def signature(section, first, last, town):
    petition = make_petition(section.home, slug=f"petition-{section.code}")
    supporter = Supporter.for_email(section.site, f"{first}@example.org", first, last)
    return Signature.objects.create(
        site=section.site,
        supporter=supporter,
        language="fr",
        petition_key=petition.translation_key,
        petition=petition,
        first_name=first,
        last_name=last,
        country=town,
        state=SignatureState.CONFIRMED,
    )


def letter(section, first, last, town):
    return Letter.objects.create(
        site=section.site,
        action=section.action,
        language="fr",
        first_name=first,
        last_name=last,
        town=town,
        country=town,
        letter_language="fr",
    )


def message(section, first, last, town):
    return SolidarityMessage.objects.create(
        site=section.site,
        action=section.action,
        language="fr",
        author_name=f"{first} {last}",
        town=town,
        text=f"Courage, de la part de {first} {last}",
        status="approved",
    )


def donation(section, first, last, town, key=""):
    return Donation.objects.create(
        site=section.site,
        supporter=Supporter.for_email(section.site, f"{first}@example.org", first, last),
        language="fr",
        frequency="one_off",
        amount=5000,
        currency=section.settings.currency,
        status="succeeded",
        idempotency_key=f"{section.code}-{first}{key}".ljust(32, "0"),
        first_name=first,
        last_name=last,
        email=f"{first}@example.org",
        city=town,
    )


def failed_email(section, first, last, town):
    return FailedEmail.objects.create(
        site=section.site,
        supporter=Supporter.for_email(section.site, f"{first}@example.org", first, last),
        kind=EmailKind.SIGNATURE_CONFIRM,
        task_path="petitions.tasks.send_signature_email",
        task_args=[0, "confirm"],
        attempts=5,
        error="SMTPConnectError 554",
    )


def webhook(section, first, last, town):
    return WebhookDestination.objects.create(
        site=section.site, name=f"CRM {last}", url=f"https://crm.example.org/{section.code}"
    )


def delivery(section, first, last, town):
    supporter = Supporter.for_email(section.site, f"{first}@example.org", first, last)
    event = Event.objects.create(site=section.site, kind="action", supporter_id=supporter.pk)
    destination = WebhookDestination.objects.get_or_create(
        site=section.site, name=f"CRM {last}", defaults={"url": f"https://crm.example.org/{section.code}"}
    )[0]
    return Delivery.objects.create(event=event, destination=destination, state="dead", attempts=10)


def receipt(section, first, last, town):
    gift = donation(section, first, last, town, key="-receipt")
    payment = Payment.objects.create(
        donation=gift,
        status="succeeded",
        amount=gift.amount,
        currency=gift.currency,
        occurred_at=gift.created_at,
        status_event_at=gift.created_at,
    )
    return Receipt.objects.create(
        site=section.site,
        payment=payment,
        number=1,
        created_at=gift.created_at,
        paid_at=gift.created_at,
        amount=gift.amount,
        currency=gift.currency,
        method="card",
    )


def rights_request(section, first, last, town):
    return RightsRequest.objects.create(
        site=section.site,
        kind=RightsKind.ERASURE,
        language="fr",
        known=True,
        used_at=datetime.datetime(2026, 12, 2, 6, 30, tzinfo=datetime.UTC),
        rows=int(MARKERS[RightsRequest][section.code]),
    )


ROWS = {
    Signature: signature,
    Letter: letter,
    SolidarityMessage: message,
    Donation: donation,
    FailedEmail: failed_email,
    WebhookDestination: webhook,
    Delivery: delivery,
    Receipt: receipt,
    RightsRequest: rights_request,
}


def scoped_viewsets():
    """The viewsets of supporters' data, scoped through SectionStaffGroup.

    Section texts are scoped by role instead (sections/tests/test_section_texts.py tries their URLs).
    """
    get_resolver().check()  # loading the admin's URLs registers its viewsets
    return [
        viewset
        for viewset in viewsets.viewsets
        if isinstance(viewset, SectionScopedViewSetMixin) and viewset.rows_for_user is None
    ]


def readable(response):
    """What a person sees in the answer: the page, the export's cells or the PDF's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        sheet = load_workbook(io.BytesIO(content)).active
        return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    if content_type.startswith("application/pdf"):
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8-sig")


class ScopedAdminURLsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            cls.sections = {code: section for code, section in create_sections().items() if code in PEOPLE}
        cls.rows = {}
        for code, section in cls.sections.items():
            section.action = make_action(section.home, slug=f"ecrire-{code}")
            for viewset in scoped_viewsets():
                if viewset.model in ROWS:
                    cls.rows[viewset.model, code] = ROWS[viewset.model](section, *PEOPLE[code])
        # "Staff" may do all that the scoped models allow; data officers only what their role gives.
        every_permission = Group.objects.create(name="every permission on section-scoped rows")
        every_permission.permissions.set(
            Permission.objects.filter(
                content_type__in=[ContentType.objects.get_for_model(vs.model) for vs in scoped_viewsets()]
            )
        )
        cls.staff, cls.data_officers = {}, {}
        for code, section in cls.sections.items():
            data_officer = section.groups["data-officer"]
            cls.staff[code] = User.objects.create_user(f"{code}-staff", password="pw")
            cls.staff[code].groups.add(data_officer, every_permission)
            cls.data_officers[code] = User.objects.create_user(f"{code}-officer", password="pw")
            cls.data_officers[code].groups.add(data_officer)

    @property
    def viewsets(self):
        return scoped_viewsets()

    def urls(self):
        """(viewset, URL pattern, URL arguments but the row's id) of every scoped viewset."""
        for viewset in self.viewsets:
            for pattern in viewset.get_urlpatterns():
                assert isinstance(pattern, URLPattern), f"{viewset.url_namespace}: nested {pattern}"
                arguments = {
                    name: SAMPLE_ARGUMENTS[name] for name in pattern.pattern.converters if name != "pk"
                }
                yield viewset, pattern, arguments

    def answer(self, user, url):
        """The answer to a GET, or, for a view that only takes a POST, to a POST."""
        self.client.raise_request_exception = False  # a crash is an answer too: a 500
        self.client.force_login(user)
        response = self.client.get(url)
        if response.status_code == 405 and "POST" in response.get("Allow", ""):
            response = self.client.post(url)
        return response

    def test_every_scoped_viewset_has_rows_to_try(self):
        models = {viewset.model for viewset in self.viewsets}

        assert {Signature, Letter, SolidarityMessage, Donation} <= models
        assert models <= set(ROWS), f"add a row builder to ROWS for {models - set(ROWS)}"

    def test_staff_reach_every_url_of_their_own_rows_and_get_404_for_another_sections(self):
        wrong = []
        for viewset, pattern, arguments in self.urls():
            name = f"{viewset.url_namespace}:{pattern.name}"
            for code, other in (("ch", "fr"), ("fr", "ch")):
                if "pk" not in pattern.pattern.converters:
                    urls = [reverse(name, kwargs=arguments)]
                    if pattern.name == "index" and viewset.list_export:
                        urls += [f"{urls[0]}?export=csv", f"{urls[0]}?export=xlsx"]
                    for url in urls:
                        response = self.answer(self.staff[code], url)
                        text = readable(response)
                        if response.status_code != 200 or marker(viewset.model, other) in text:
                            wrong.append(
                                f"{code} staff, {url}: {response.status_code}, another section's row"
                            )
                        if pattern.name == "index" and marker(viewset.model, code) not in text:
                            wrong.append(f"{code} staff, {url}: their own row is missing")
                    continue
                for owner, expected in ((code, {200, 302}), (other, {404})):
                    url = reverse(name, kwargs={"pk": self.rows[viewset.model, owner].pk, **arguments})
                    response = self.answer(self.staff[code], url)
                    # A redirect is the normal answer only to a POST (e.g. a moderation decision).
                    if response.status_code == 302 and response.request["REQUEST_METHOD"] == "GET":
                        expected = {200}
                    if response.status_code not in expected:
                        wrong.append(f"{code} staff, {url} ({owner} row): {response.status_code}")
                    elif owner == other and marker(viewset.model, other) in readable(response):
                        wrong.append(f"{code} staff, {url}: the 404 shows the {other} row")

        assert not wrong, "\n".join(wrong)

    def test_inspect_views_show_the_sections_time_as_the_lists_do(self):
        # 06:30 UTC on 2 December is 07:30 in Switzerland.
        at = datetime.datetime(2026, 12, 2, 6, 30, tzinfo=datetime.UTC)
        wrong = []
        for viewset in self.viewsets:
            if not viewset.inspect_view_enabled:
                continue
            row = self.rows[viewset.model, "ch"]
            viewset.model.objects.filter(pk=row.pk).update(created_at=at)
            url = reverse(viewset.get_url_name("inspect"), args=[row.pk])
            text = readable(self.answer(self.staff["ch"], url))
            if "07:30" not in text or "06:30" in text:
                wrong.append(f"{url} does not show 07:30 (Swiss time)")

        assert not wrong, "\n".join(wrong)

    def test_data_officers_get_404_for_another_sections_row_in_every_view_whatever_they_may_do(self):
        wrong = []
        for viewset, pattern, arguments in self.urls():
            if "pk" not in pattern.pattern.converters:
                continue
            for code, other in (("ch", "fr"), ("fr", "ch")):
                row = self.rows[viewset.model, other]
                url = reverse(f"{viewset.url_namespace}:{pattern.name}", kwargs={"pk": row.pk, **arguments})
                status = self.answer(self.data_officers[code], url).status_code
                if status != 404:
                    wrong.append(f"{code} data officer, {url} ({other} row): {status}")

        assert not wrong, "\n".join(wrong)
