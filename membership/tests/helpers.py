"""A page tree for membership tests: a join page per section (ch in fr, de and it), groups, and posting helpers."""

import html
import re

from django.core import mail
from django.utils.translation import gettext, override

from membership.models import JoinPage, LocalGroup
from sections.demo import create_sections
from sections.models import SectionSettings
from sections.translation import translate
from supporters.models import ConsentRecord

HOSTS = {"ch": "ch.localhost:8000", "fr": "fr.localhost:8000", "tg": "tg.localhost:8000"}
GERMAN = {"Nous rejoindre": "Mitmachen", "nous-rejoindre": "mitmachen"}
ITALIAN = {"Nous rejoindre": "Unisciti a noi", "nous-rejoindre": "unisciti-a-noi"}


def build_tree(test_case):
    """Sections, their join pages and groups, on `test_case` (call from setUpTestData)."""
    # Home pages' translations are published on commit: before any page goes under them.
    with test_case.captureOnCommitCallbacks(execute=True):
        test_case.sections = sections = create_sections()
    with test_case.captureOnCommitCallbacks(execute=True):
        pages, groups = {}, {}
        for code in ("ch", "fr", "tg"):
            section = sections[code]
            page = JoinPage(
                title="Nous rejoindre",
                slug="nous-rejoindre",
                intro="Vous pouvez rejoindre l'un de nos groupes ou rester actif·ve en tant que membre individuel.",
                minimum_age=16 if code == "tg" else 0,
                welcome_text="Bienvenue dans le mouvement !",
            )
            section.home.add_child(instance=page)
            page.save_revision().publish()
            pages[(code, "fr")] = JoinPage.objects.get(pk=page.pk)
        towns = {"ch": ["Lausanne", "Genève"], "fr": ["Paris", "Lyon"], "tg": ["Lomé", "Kara"]}
        for code, names in towns.items():
            for index, town in enumerate(names):
                groups[(code, town)] = LocalGroup.objects.create(
                    site=sections[code].site,
                    locale=pages[(code, "fr")].locale,
                    name=f"Groupe de {town}",
                    town=town,
                    meeting_place="Maison des associations",
                    meeting_rhythm="Le premier mardi du mois",
                    contact_email=f"groupe-{index}-{code}@example.org",
                    # The second group of each section is full.
                    is_open=index == 0,
                )
        pages[("ch", "de")] = translate(pages[("ch", "fr")], "de", GERMAN)
        pages[("ch", "it")] = translate(pages[("ch", "fr")], "it", ITALIAN)
        for language, town in (("de", "Lausanne"), ("it", "Losanna")):
            groups[("ch", f"Lausanne:{language}")] = translate(
                groups[("ch", "Lausanne")], language, {"Lausanne": town}
            )
    test_case.pages, test_case.groups = pages, groups


def page_path(page):
    return page.get_url_parts()[2]


def join_data(page, group=None, **overrides):
    section = SectionSettings.for_site(page.get_site())
    wording = page.get_consent_text(section)
    data = {
        "way": "volunteer" if group else "member",
        "group": str(group.pk) if group else "",
        "first_name": "Afi",
        "last_name": "Mensah",
        "email": "afi@example.org",
        "town": "Lomé",
        "phone": "",
        "consent": "on",
        "consent_version": ConsentRecord.version_of(wording),
    }
    if page.asks_age:
        data["age_bracket"] = "26"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def join(client, page, group=None, **overrides):
    """POST the join form as a visitor would, with a solved proof of work (captcha=None: without one)."""
    from supporters.tests.helpers import solution

    code = page.get_site().hostname.split(".")[0]
    if "captcha" not in overrides:
        overrides["captcha"] = solution(HOSTS[code], client)
    return client.post(page_path(page), join_data(page, group, **overrides), HTTP_HOST=HOSTS[code])


def host_of(page):
    return HOSTS[page.get_site().hostname.split(".")[0]]


def confirmation_path(message):
    return re.search(r"https?://[^/\s]+(/\S+/join/confirm/\S+/)", message.body).group(1)


def sent_to(address):
    return [message for message in mail.outbox if address in message.to]


def text_of(response):
    markup = response.content.decode()
    markup = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def t(message, language="fr", **values):
    with override(language):
        text = gettext(message)
    if values:
        text = text % values
    return " ".join(text.split())
