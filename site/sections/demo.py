"""The three demo sections (Switzerland fr/de/it, France fr, Togo fr): sites, home pages, settings, texts.

Idempotent: running it again updates what it created and creates nothing twice.
"""

from dataclasses import dataclass, field

from django.db import transaction
from wagtail.models import Collection, Locale, Page, Site

from .models import SectionSettings, SectionTexts
from .roles import set_up_roles
from .translation import translate

# The port the demo is served on (`make run PORT=...` passes its own): every link the demo
# makes (root URLs, emails, share links, hreflang, "View live") comes from the site's port.
DEFAULT_PORT = 8000


@dataclass
class Section:
    code: str
    site: Site
    settings: SectionSettings
    home: Page
    homes: dict = field(default_factory=dict)  # language code -> home page in that language
    groups: dict = field(default_factory=dict)  # role slug -> the section's group for that role

    @property
    def languages(self):
        return list(self.homes)


SECTIONS = [
    {
        "code": "ch",
        "hostname": "ch.localhost",
        "default": True,
        "languages": ["fr", "de", "it"],
        "title": "Plaidoyer Suisse",
        "titles": {"de": "Plaidoyer Schweiz", "it": "Plaidoyer Svizzera"},
        "settings": {
            "yearly_attestations": True,
            "name": "Plaidoyer Suisse",
            "country": "Suisse",
            "currency": "CHF",
            "time_zone": "Europe/Zurich",
            "contact_email": "info@ch.localhost",
            "contact_phone": "+41 31 000 00 00",
            "press_email": "presse@ch.localhost",
            "press_phone": "+41 31 000 00 01",
            "accent_colour": "#ffcc00",
            "accept_twint": True,
            "address_window": "right",  # Swiss window envelopes (SN 010 130)
        },
    },
    {
        "code": "fr",
        "hostname": "fr.localhost",
        "languages": ["fr"],
        "title": "Plaidoyer France",
        "settings": {
            "name": "Plaidoyer France",
            "country": "France",
            "currency": "EUR",
            "time_zone": "Europe/Paris",
            "contact_email": "info@fr.localhost",
            "contact_phone": "+33 1 53 38 65 65",
            "press_email": "presse@fr.localhost",
            "press_phone": "+33 1 53 38 66 00",
            "press_phone_out_of_hours": "+33 6 76 94 37 05",
            "accent_colour": "#ffd500",
            "tax_deduction_rate": 66,
            "accept_sepa_debit": True,
            "donation_requires_address": True,
            "tax_receipts": True,
            "receipt_status": "general_interest",
            "receipt_object": "Défendre les droits humains et les personnes emprisonnées pour leurs opinions, "
            "par l'information du public, les pétitions et les lettres aux autorités.",
            "receipt_signatory": "Claire Martin, trésorière",
            "address_window": "right",  # French DL and C5/6 window envelopes
        },
    },
    {
        "code": "tg",
        "hostname": "tg.localhost",
        "languages": ["fr"],
        "title": "Plaidoyer Togo",
        "settings": {
            "name": "Plaidoyer Togo",
            "country": "Togo",
            "currency": "XOF",
            "time_zone": "Africa/Lome",
            "contact_email": "info@tg.localhost",
            "contact_phone": "+228 22 00 00 00",
            "press_email": "presse@tg.localhost",
            "accent_colour": "#f5c400",
            # Togo's stationery follows the French conventions (envelopes sold there are French
            # DL and C5/6 formats, windows on the right), as its section writes in French.
            "address_window": "right",
            # Togo's donors pay by card or mobile money (with PAYGATE_API_KEY_TG set) and get a receipt
            # in French, which is not a tax receipt.
            "mobile_money": True,
            "payment_receipts": True,
        },
    },
]

# What visitors read of each section, per language: the first language's texts are the source,
# the others their translations through wagtail-localize (as a translator would make them).
TEXTS = {
    "ch": {
        "fr": {
            "name": "Plaidoyer Suisse",
            "country": "Suisse",
            "legal_entity": "Association Plaidoyer Suisse",
            "postal_address": "Case postale 1234\n3001 Berne",
            "footer_text": "Association reconnue d'utilité publique : vos dons sont déductibles des impôts.",
            "consent_text": "J'accepte que Plaidoyer Suisse traite mes données pour cette action, "
            "comme décrit dans sa politique de confidentialité.",
            "newsletter_consent_text": "Je souhaite recevoir des nouvelles des campagnes par email "
            "(désinscription en un clic).",
            "email_signoff": "L'équipe de Plaidoyer Suisse",
        },
        "de": {
            "name": "Plaidoyer Schweiz",
            "country": "Schweiz",
            "legal_entity": "Verein Plaidoyer Schweiz",
            "postal_address": "Postfach 1234\n3001 Bern",
            "footer_text": "Gemeinnütziger Verein: Ihre Spenden sind von den Steuern abziehbar.",
            "consent_text": "Ich bin einverstanden, dass Plaidoyer Schweiz meine Daten für diese Aktion "
            "bearbeitet, wie in der Datenschutzerklärung beschrieben.",
            "newsletter_consent_text": "Ich möchte per E-Mail Neuigkeiten über die Kampagnen erhalten "
            "(Abmeldung mit einem Klick).",
            "email_signoff": "Das Team von Plaidoyer Schweiz",
        },
        "it": {
            "name": "Plaidoyer Svizzera",
            "country": "Svizzera",
            "legal_entity": "Associazione Plaidoyer Svizzera",
            "postal_address": "Casella postale 1234\n3001 Berna",
            "footer_text": "Associazione di utilità pubblica: le tue donazioni sono deducibili dalle imposte.",
            "consent_text": "Accetto che Plaidoyer Svizzera tratti i miei dati per questa azione, "
            "come descritto nella sua informativa sulla privacy.",
            "newsletter_consent_text": "Desidero ricevere notizie delle campagne per email "
            "(disiscrizione con un clic).",
            "email_signoff": "Il team di Plaidoyer Svizzera",
        },
    },
    "fr": {
        "fr": {
            "name": "Plaidoyer France",
            "country": "France",
            "legal_entity": "Association Plaidoyer France",
            "postal_address": "76 boulevard de la Villette\n75940 Paris Cedex 19",
            "footer_text": "Association loi 1901 : vos dons ouvrent droit à une réduction d'impôt de 66 %.",
            "consent_text": "J'accepte que Plaidoyer France traite mes données pour cette action, "
            "comme décrit dans sa politique de confidentialité.",
            "newsletter_consent_text": "Je souhaite recevoir des nouvelles des campagnes par email "
            "(désinscription en un clic).",
            "email_signoff": "L'équipe de Plaidoyer France",
        },
    },
    "tg": {
        "fr": {
            "name": "Plaidoyer Togo",
            "country": "Togo",
            "legal_entity": "Association Plaidoyer Togo",
            "postal_address": "BP 000\nLomé",
            "footer_text": "Association déclarée au Togo, indépendante de tout gouvernement et de tout parti.",
            "consent_text": "J'accepte que Plaidoyer Togo traite mes données pour cette action, "
            "comme décrit dans sa politique de confidentialité.",
            "newsletter_consent_text": "Je souhaite recevoir des nouvelles des campagnes par email "
            "(désinscription en un clic).",
            "email_signoff": "L'équipe de Plaidoyer Togo",
        },
    },
}


def set_up_texts(site, code, languages):
    """The section's texts in its first language, updated, and translated into the others."""
    specs = TEXTS[code]
    source_spec = specs[languages[0]]
    texts, _created = SectionTexts.objects.update_or_create(
        site=site, locale=Locale.objects.get(language_code=languages[0]), defaults=source_spec
    )
    for language in languages[1:]:
        translate(texts, language, {source_spec[name]: value for name, value in specs[language].items()})
    return texts


@transaction.atomic
def create_sections(port=DEFAULT_PORT):
    """Create or update the three sections, served on `port`; returns {code: Section}."""
    from home.models import HomePage

    for code in ("fr", "de", "it", "en"):
        Locale.objects.get_or_create(language_code=code)
    french = Locale.objects.get(language_code="fr")
    # A flushed database (after transactional tests) has lost what Wagtail's migrations create.
    tree_root = Page.get_first_root_node()
    if tree_root is None:
        tree_root = Page.add_root(instance=Page(title="Root", slug="root", locale=french))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    # Wagtail's initial "Welcome" page and its site are replaced by the sections.
    Site.objects.filter(hostname="localhost", port=80).delete()
    Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()

    sections = {}
    for spec in SECTIONS:
        code = spec["code"]
        home = HomePage.objects.filter(depth=2, slug=code, locale=french).first()
        if home is None:
            home = HomePage(title=spec["title"], slug=code, locale=french)
            tree_root.add_child(instance=home)
            home.save_revision().publish()
        site, _ = Site.objects.update_or_create(
            hostname=spec["hostname"],
            defaults={
                "port": port,
                "root_page": home,
                "site_name": spec["settings"]["name"],
                "is_default_site": spec.get("default", False),
            },
        )
        settings = SectionSettings.for_site(site)
        settings.code = code
        for name, value in spec["settings"].items():
            setattr(settings, name, value)
        settings.save()
        homes = {"fr": home}
        for language in spec["languages"][1:]:
            homes[language] = translate(home, language, {spec["title"]: spec["titles"][language]})
        set_up_texts(site, code, spec["languages"])
        groups = set_up_roles(code, settings.name, site, home)
        sections[code] = Section(
            code=code, site=site, settings=settings, home=home, homes=homes, groups=groups
        )
    return sections
