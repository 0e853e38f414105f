"""Demo local groups and join pages for each section, in every language it publishes, with a few members.

Idempotent: groups are found by section and contact address, pages by slug, members by address,
counts reconciled. A text-only "join us" page left by an older demo gives way to the join page.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from donations.models import DonationPage
from sections.translation import translate
from supporters.models import ActionCount, ConsentPurpose, ConsentRecord, Supporter

from .forms import GROUP_CONTACT_WORDING
from .models import JoinPage, LocalGroup, Membership, MembershipState, MinimumAge, Way

SLUG = "nous-rejoindre"
TITLE = "Nous rejoindre"

# (town in French, German, Italian; open to newcomers). Facts: the seeds' sections and their towns.
GROUPS = {
    "ch": [
        (("Lausanne", "Lausanne", "Losanna"), True),
        (("Genève", "Genf", "Ginevra"), True),
        (("Zurich", "Zürich", "Zurigo"), True),
        (("Berne", "Bern", "Berna"), True),
        (("Lugano", "Lugano", "Lugano"), False),
    ],
    "fr": [(("Paris",), True), (("Lyon",), False)],
    "tg": [(("Lomé",), True), (("Kara",), True)],
}
# Per language: the group's name, description, meeting place and rhythm, from its town.
GROUP_TEXTS = {
    "fr": {
        "name": "Groupe de {town}",
        "description": (
            "À {town}, nous tenons des stands, organisons des soirées d'écriture de lettres et "
            "préparons ensemble les actions de rue de la section."
        ),
        "place": "Maison des associations de {town}",
        "rhythm": "Le premier mardi du mois, à 19 heures",
    },
    "de": {
        "name": "Gruppe {town}",
        "description": (
            "In {town} betreuen wir Infostände, organisieren Abende zum Briefeschreiben und "
            "bereiten gemeinsam die Strassenaktionen der Sektion vor."
        ),
        "place": "Vereinshaus {town}",
        "rhythm": "Am ersten Dienstag des Monats um 19 Uhr",
    },
    "it": {
        "name": "Gruppo di {town}",
        "description": (
            "A {town} animiamo bancarelle, organizziamo serate di scrittura di lettere e "
            "prepariamo insieme le azioni di strada della sezione."
        ),
        "place": "Casa delle associazioni di {town}",
        "rhythm": "Il primo martedì del mese, alle 19",
    },
}
PAGES = {
    "ch": {
        "intro": (
            "Notre section est un mouvement de bénévoles qui défendent les droits humains inscrits dans les "
            "conventions internationales. Rejoignez l'un de nos groupes locaux ou restez actif·ve comme "
            "membre individuel·le."
        ),
        "membership_fee": 50,
        "ask_age": False,
        "minimum_age": MinimumAge.NONE,
    },
    "fr": {
        "intro": (
            "Chaque année, des milliers de personnes se mobilisent pour des personnes en danger, avec force, "
            "générosité et courage. Rejoignez un groupe local ou agissez comme membre individuel·le."
        ),
        "membership_fee": None,
        "ask_age": True,
        "minimum_age": MinimumAge.SIXTEEN,
    },
    "tg": {
        "intro": (
            "Notre section togolaise est un mouvement de bénévoles engagés pour les droits humains reconnus "
            "dans les conventions internationales. Vous pouvez rejoindre l'un de nos groupes ou rester "
            "actif·ve en tant que membre individuel·le."
        ),
        "membership_fee": None,
        "ask_age": True,
        "minimum_age": MinimumAge.NONE,
    },
}
THANK_YOU = (
    "Merci ! Encore une étape : confirmez votre adresse e-mail avec le lien que nous venons de vous envoyer."
)
WELCOME = (
    "Nous sommes heureux de vous compter parmi nous. Vous recevrez bientôt nos prochaines actions, et votre "
    "groupe local vous invitera à sa prochaine rencontre."
)
SWISS = {
    "de": {
        TITLE: "Mitmachen",
        SLUG: "mitmachen",
        PAGES["ch"]["intro"]: (
            "Unsere Sektion ist eine Bewegung von Freiwilligen, die die in internationalen Abkommen verankerten "
            "Menschenrechte verteidigen. Machen Sie in einer unserer Lokalgruppen mit oder bleiben Sie als "
            "Einzelmitglied aktiv."
        ),
        THANK_YOU: (
            "Danke! Noch ein Schritt: Bestätigen Sie Ihre E-Mail-Adresse mit dem Link, den wir Ihnen soeben "
            "geschickt haben."
        ),
        WELCOME: (
            "Wir freuen uns, dass Sie dabei sind. Sie erhalten bald unsere nächsten Aktionen, und Ihre Lokalgruppe "
            "lädt Sie zu ihrem nächsten Treffen ein."
        ),
    },
    "it": {
        TITLE: "Unisciti a noi",
        SLUG: "unisciti-a-noi",
        PAGES["ch"]["intro"]: (
            "La nostra sezione è un movimento di volontari che difendono i diritti umani sanciti dalle "
            "convenzioni internazionali. Unisciti a uno dei nostri gruppi locali o resta attivo come membro "
            "individuale."
        ),
        THANK_YOU: (
            "Grazie! Ancora un passo: conferma il tuo indirizzo e-mail con il link che ti abbiamo appena inviato."
        ),
        WELCOME: (
            "Siamo felici di averti con noi. Riceverai presto le nostre prossime azioni, e il tuo gruppo locale "
            "ti inviterà al suo prossimo incontro."
        ),
    },
}
# Demo members: (first name, last name, town), in each section's first group, sharing their details.
MEMBERS = {
    "ch": [("Léa", "Rochat", "Lausanne"), ("Jonas", "Keller", "Lausanne")],
    "fr": [("Camille", "Martin", "Paris")],
    "tg": [("Kossi", "Agbeko", "Lomé"), ("Ama", "Mensah", "Lomé")],
}


def group_strings(towns, language_index, language):
    """wagtail-localize strings of a group in `language`, from its French source."""
    source, target = GROUP_TEXTS["fr"], GROUP_TEXTS[language]
    town, translated = towns[0], towns[language_index]
    strings = {town: translated}
    for field in ("name", "description", "place", "rhythm"):
        strings[source[field].format(town=town)] = target[field].format(town=translated)
    return strings


def upsert_groups(section, french):
    groups = []
    for towns, is_open in GROUPS[section.code]:
        town = towns[0]
        texts = GROUP_TEXTS["fr"]
        fields = {
            "name": texts["name"].format(town=town),
            "town": town,
            "description": texts["description"].format(town=town),
            "meeting_place": texts["place"].format(town=town),
            "meeting_rhythm": texts["rhythm"].format(town=town),
            "is_open": is_open,
        }
        address = f"{slug_of(town)}@{section.site.hostname}"
        group, _created = LocalGroup.objects.update_or_create(
            site=section.site, locale=french, contact_email=address, defaults=fields
        )
        for index, language in enumerate(section.languages[1:], start=1):
            translate(group, language, group_strings(towns, index, language))
        groups.append(group)
    return groups


def slug_of(town):
    return town.lower().replace("é", "e").replace("è", "e")


def upsert_page(section, french):
    home = Page.objects.get(pk=section.home.pk)
    spec = PAGES[section.code]
    # An older demo's text page under the same slug gives way, with its translations.
    old = home.get_children().filter(slug=SLUG).not_type(JoinPage).first()
    if old is not None:
        for page in Page.objects.filter(translation_key=old.translation_key).exclude(pk=old.pk):
            page.delete()
        old.delete()
    fields = {
        "title": TITLE,
        "intro": spec["intro"],
        "membership_fee": spec["membership_fee"],
        "ask_age": spec["ask_age"],
        "minimum_age": spec["minimum_age"],
        "thank_you_text": THANK_YOU,
        "welcome_text": WELCOME,
        # Members pay the fee on the section's donation page (the donations demo runs first).
        "fee_page": DonationPage.objects.child_of(home).first() if spec["membership_fee"] else None,
    }
    page = JoinPage.objects.child_of(home).filter(slug=SLUG).first()
    if page is None:
        page = JoinPage(slug=SLUG, locale=french, **fields)
        home.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    page = JoinPage.objects.get(pk=page.pk)
    for language in section.languages[1:]:
        translate(page, language, SWISS[language])
    return page


def add_members(section, page, group):
    now = timezone.now()
    wording = page.get_consent_text(section.settings)
    for first_name, last_name, town in MEMBERS[section.code]:
        email = f"{first_name}.{last_name}@example.org".lower()
        supporter = Supporter.for_email(section.site, email, first_name, last_name)
        membership, created = Membership.objects.get_or_create(
            site=section.site,
            supporter=supporter,
            defaults={
                "language": page.locale.language_code,
                "join_page_key": page.translation_key,
                "join_page": page,
                "way": Way.VOLUNTEER,
                "group": group,
                "group_key": group.translation_key,
                "first_name": first_name,
                "last_name": last_name,
                "town": town,
                "age_bracket": "26" if page.asks_age else "",
                "share_with_group": True,
                "state": MembershipState.CONFIRMED,
                "confirmed_at": now,
            },
        )
        if created:
            ConsentRecord.record(
                supporter.pk,
                section.site,
                f"membership.membership:{membership.pk}",
                membership.language,
                wording,
            )
            with translation.override(membership.language):
                sharing = str(GROUP_CONTACT_WORDING)
            ConsentRecord.objects.create(
                supporter=supporter,
                site=section.site,
                purpose=ConsentPurpose.GROUP_CONTACT,
                granted=True,
                wording=sharing,
                wording_version=ConsentRecord.version_of(sharing),
                language=membership.language,
                action=f"membership.membership:{membership.pk}",
            )


def load(sections):
    french = Locale.objects.get(language_code="fr")
    for section in sections.values():
        groups = upsert_groups(section, french)
        page = upsert_page(section, french)
        add_members(section, page, groups[0])
        key = page.translation_key
        ActionCount.reconcile(
            key,
            lambda key=key: Membership.objects.filter(
                join_page_key=key, state=MembershipState.CONFIRMED
            ).count(),
        )
        # The section's demo coordinator (load_demo gives them their role and password) coordinates
        # its first group.
        coordinator, _created = get_user_model().objects.get_or_create(
            username=f"{section.code}-coordinator",
            defaults={"email": f"{section.code}-coordinator@localhost"},
        )
        groups[0].coordinators.set([coordinator])
