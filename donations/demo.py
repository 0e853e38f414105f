"""Demo donation pages: Switzerland in CHF (fr/de/it), France in EUR with its 66% tax deduction, Togo in XOF."""

from django.db import transaction

from sections.translation import translate

from .models import DonationAmount, DonationPage

SLUG = "faire-un-don"
TITLE = "Soutenez notre travail par un don"
HEADING = "Chaque contribution compte"
# Rich text is translated paragraph by paragraph: wagtail-localize's segments are the text inside <p>.
PARAGRAPH = (
    "Maryia Kalesnikava, musicienne, a été condamnée à onze ans de prison pour avoir refusé l'exil. "
    "Vos dons financent les enquêtes, les lettres et la pression publique qui obtiennent des libérations : "
    "nous ne dépendons d'aucun gouvernement."
)
THANK_YOU_TITLE = "Merci pour votre soutien !"
THANK_YOU_TEXT = (
    "Grâce à vous, nous continuerons d'écrire, de documenter et d'agir pour les personnes en danger."
)

PAGES = {
    "ch": {
        "default_amount": 60,
        "minimum_amount": 5,
        "maximum_amount": 10000,
        "designation": "",
        "amounts": [
            ("one_off", 30, "Couvre l'envoi de cent lettres à une prison."),
            ("one_off", 60, "Finance une journée d'enquête sur le terrain."),
            ("one_off", 120, "Soutient la défense juridique d'une personne détenue."),
            ("monthly", 10, "Permet une action urgente chaque mois."),
            ("monthly", 20, "Donne de la régularité à nos campagnes."),
            ("monthly", 40, "Assure un suivi durable des personnes emprisonnées."),
        ],
    },
    "fr": {
        "default_amount": 50,
        "minimum_amount": 5,
        "maximum_amount": 7500,
        "designation": "Marathon des lettres",
        "amounts": [
            ("one_off", 30, "Couvre l'envoi de cent lettres à une prison."),
            ("one_off", 50, "Finance une journée d'enquête sur le terrain."),
            ("one_off", 100, "Soutient la défense juridique d'une personne détenue."),
            ("monthly", 10, "Permet une action urgente chaque mois."),
            ("monthly", 15, "Donne de la régularité à nos campagnes."),
            ("monthly", 30, "Assure un suivi durable des personnes emprisonnées."),
        ],
    },
    "tg": {
        "default_amount": 5000,
        "minimum_amount": 500,
        "maximum_amount": 2000000,
        "designation": "",
        "amounts": [
            ("one_off", 2000, "Couvre l'envoi de cent lettres à une prison."),
            ("one_off", 5000, "Finance une journée d'enquête sur le terrain."),
            ("one_off", 10000, "Soutient la défense juridique d'une personne détenue."),
            ("monthly", 1000, "Permet une action urgente chaque mois."),
            ("monthly", 2500, "Donne de la régularité à nos campagnes."),
        ],
    },
}

TRANSLATIONS = {
    "de": {
        TITLE: "Unterstützen Sie unsere Arbeit mit einer Spende",
        HEADING: "Jeder Beitrag zählt",
        SLUG: "spenden",
        PARAGRAPH: (
            "Die Musikerin Maryia Kalesnikava wurde zu elf Jahren Haft verurteilt, weil sie das Exil verweigerte. "
            "Ihre Spenden finanzieren Recherchen, Briefe und öffentlichen Druck, die Freilassungen erwirken: "
            "Wir sind von keiner Regierung abhängig."
        ),
        THANK_YOU_TITLE: "Danke für Ihre Unterstützung!",
        THANK_YOU_TEXT: "Dank Ihnen schreiben, dokumentieren und handeln wir weiter für Menschen in Gefahr.",
        "Couvre l'envoi de cent lettres à une prison.": "Deckt den Versand von hundert Briefen an ein Gefängnis.",
        "Finance une journée d'enquête sur le terrain.": "Finanziert einen Tag Recherche vor Ort.",
        "Soutient la défense juridique d'une personne détenue.": "Unterstützt die Rechtsverteidigung einer inhaftierten Person.",
        "Permet une action urgente chaque mois.": "Ermöglicht jeden Monat eine dringende Aktion.",
        "Donne de la régularité à nos campagnes.": "Gibt unseren Kampagnen Beständigkeit.",
        "Assure un suivi durable des personnes emprisonnées.": "Sichert die dauerhafte Begleitung inhaftierter Menschen.",
    },
    "it": {
        TITLE: "Sostenete il nostro lavoro con una donazione",
        HEADING: "Ogni contributo conta",
        SLUG: "donare",
        PARAGRAPH: (
            "La musicista Maryia Kalesnikava è stata condannata a undici anni di carcere per aver rifiutato l'esilio. "
            "Le vostre donazioni finanziano le indagini, le lettere e la pressione pubblica che ottengono liberazioni: "
            "non dipendiamo da alcun governo."
        ),
        THANK_YOU_TITLE: "Grazie per il vostro sostegno!",
        THANK_YOU_TEXT: "Grazie a voi continueremo a scrivere, documentare e agire per le persone in pericolo.",
        "Couvre l'envoi de cent lettres à une prison.": "Copre l'invio di cento lettere a un carcere.",
        "Finance une journée d'enquête sur le terrain.": "Finanzia una giornata di indagine sul campo.",
        "Soutient la défense juridique d'une personne détenue.": "Sostiene la difesa legale di una persona detenuta.",
        "Permet une action urgente chaque mois.": "Permette un'azione urgente ogni mese.",
        "Donne de la régularité à nos campagnes.": "Dà continuità alle nostre campagne.",
        "Assure un suivi durable des personnes emprisonnées.": "Garantisce un seguito duraturo alle persone incarcerate.",
    },
}


def _prisoner():
    """Maryia Kalesnikava's record when the prisoners demo created it (the French original)."""
    from prisoners.models import PrisonerRecord

    return PrisonerRecord.objects.filter(full_name="Maryia Kalesnikava", locale__language_code="fr").first()


@transaction.atomic
def load(sections):
    """Create or update one donation page per section (and the Swiss translations); returns {code: page}."""
    pages = {}
    for code, spec in PAGES.items():
        section = sections[code]
        home = section.home
        page = DonationPage.objects.child_of(home).filter(slug=SLUG).first()
        if page is None:
            page = DonationPage(title=TITLE, slug=SLUG, locale=home.locale, thank_you_title=THANK_YOU_TITLE)
            home.add_child(instance=page)
            page = DonationPage.objects.get(pk=page.pk)
        page.title = TITLE
        page.intro = [("heading", HEADING), ("paragraph", f"<p>{PARAGRAPH}</p>")]
        page.default_frequency = "one_off"
        page.default_amount = spec["default_amount"]
        page.minimum_amount = spec["minimum_amount"]
        page.maximum_amount = spec["maximum_amount"]
        page.designation = spec["designation"]
        page.prisoner = _prisoner() if code == "ch" else None
        page.thank_you_title = THANK_YOU_TITLE
        page.thank_you_text = f"<p>{THANK_YOU_TEXT}</p>"
        page.amounts = [
            DonationAmount(frequency=frequency, amount=amount, impact=impact)
            for frequency, amount, impact in spec["amounts"]
        ]
        page.save_revision().publish()
        for language in section.languages[1:]:
            translate(page, language, TRANSLATIONS[language])
        pages[code] = page
    return pages
