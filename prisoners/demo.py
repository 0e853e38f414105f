"""Demo content: five people from the seed pages, their records in fr/de/it and a profile in every section.

Idempotent: records are found by name, pages by slug, images by title. Every sentence is written for
this project from the facts of the seed pages. Marfa Rabkova is left without portrait, dates or
timeline, to show how a sparse record looks.
"""

import datetime
from functools import partial
from io import BytesIO

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page

from sections.translation import translate

from .models import (
    PrisonerIndexPage,
    PrisonerPage,
    PrisonerRecord,
    PrisonerStatus,
    PrisonerTimelineEntry,
    Theme,
)

THEMES = [
    (
        "defenseurs-des-droits",
        "Défenseur·e·s des droits humains",
        "Menschenrechtsverteidiger·innen",
        "Difensori dei diritti umani",
    ),
    ("opposition-politique", "Opposition politique", "Politische Opposition", "Opposizione politica"),
    ("liberte-expression", "Liberté d'expression", "Meinungsfreiheit", "Libertà di espressione"),
]

COUNTRY = {"fr": "Bélarus", "de": "Belarus", "it": "Bielorussia"}

PEOPLE = [
    {
        "full_name": "Maryia Kalesnikava",
        "slug": "maryia-kalesnikava",
        "other_spellings": "Maria Kolesnikova\nMaria Kalesnikava\nМарыя Калеснікава\nМария Колесникова",
        "status": PrisonerStatus.DETAINED,
        "arrested_on": datetime.date(2020, 9, 7),
        "themes": ["opposition-politique", "liberte-expression"],
        "colour": "#6d4c9f",
        "text": {
            "occupation": (
                "Musicienne, figure de l'opposition",
                "Musikerin, Oppositionsfigur",
                "Musicista, figura dell'opposizione",
            ),
            "sentence": ("11 ans d'emprisonnement", "11 Jahre Haft", "11 anni di carcere"),
            "charges": (
                "Atteinte à la sécurité nationale, extrémisme",
                "Gefährdung der nationalen Sicherheit, Extremismus",
                "Attentato alla sicurezza nazionale, estremismo",
            ),
            "portrait_alt": (
                "Portrait provisoire de Maryia Kalesnikava : ses initiales sur fond violet",
                "Platzhalterbild für Maryia Kalesnikava: ihre Initialen auf violettem Grund",
                "Ritratto provvisorio di Maryia Kalesnikava: le sue iniziali su fondo viola",
            ),
        },
        "timeline": [
            (
                datetime.date(2020, 9, 7),
                "Enlevée à Minsk et conduite à la frontière, elle déchire son passeport pour ne pas être expulsée ; elle est arrêtée.",
                "In Minsk entführt und an die Grenze gebracht, zerreisst sie ihren Pass, um nicht ausgewiesen zu werden; sie wird verhaftet.",
                "Rapita a Minsk e portata al confine, strappa il passaporto per non essere espulsa; viene arrestata.",
            ),
        ],
        "intro": (
            "Musicienne, elle a fait campagne en 2020 pour une élection libre. Elle a refusé l'exil et purge une peine de 11 ans.",
            "Die Musikerin setzte sich 2020 für freie Wahlen ein. Sie verweigerte das Exil und verbüsst eine Strafe von 11 Jahren.",
            "Musicista, nel 2020 si è battuta per elezioni libere. Ha rifiutato l'esilio e sconta una pena di 11 anni.",
        ),
        "story": (
            "Lors de la présidentielle de 2020, elle rejoint la campagne de Sviatlana Tsikhanouskaya. Après le scrutin, "
            "elle manifeste en première ligne, les mains formant un cœur face à la police. Sa famille est restée "
            "plus de 600 jours sans nouvelles d'elle.",
            "Bei der Präsidentschaftswahl 2020 schloss sie sich der Kampagne von Sviatlana Tsikhanouskaya an. Nach der "
            "Wahl demonstrierte sie in der ersten Reihe und formte mit den Händen ein Herz vor der Polizei. Ihre "
            "Familie blieb über 600 Tage ohne Nachricht von ihr.",
            "Alle presidenziali del 2020 si unisce alla campagna di Sviatlana Tsikhanouskaya. Dopo il voto manifesta "
            "in prima fila, con le mani a forma di cuore davanti alla polizia. La sua famiglia è rimasta più di 600 "
            "giorni senza sue notizie.",
        ),
    },
    {
        "full_name": "Ales Bialiatski",
        "slug": "ales-bialiatski",
        "other_spellings": "Ales Byalyatski\nAles Białacki\nAleś Bialacki\nАлесь Бяляцкі\nАлесь Беляцкий",
        "status": PrisonerStatus.DETAINED,
        "arrested_on": datetime.date(2021, 7, 14),
        "themes": ["defenseurs-des-droits"],
        "colour": "#1f6f8b",
        "text": {
            "occupation": (
                "Président du Centre des droits humains Viasna, prix Nobel de la paix",
                "Vorsitzender des Menschenrechtszentrums Viasna, Friedensnobelpreisträger",
                "Presidente del Centro per i diritti umani Viasna, premio Nobel per la pace",
            ),
            "sentence": ("10 ans d'emprisonnement", "10 Jahre Haft", "10 anni di carcere"),
            "portrait_alt": (
                "Portrait provisoire d'Ales Bialiatski : ses initiales sur fond bleu",
                "Platzhalterbild für Ales Bialiatski: seine Initialen auf blauem Grund",
                "Ritratto provvisorio di Ales Bialiatski: le sue iniziali su fondo blu",
            ),
        },
        "timeline": [
            (
                datetime.date(2021, 7, 14),
                "Arrêté pour son travail de défense des droits humains.",
                "Wegen seiner Menschenrechtsarbeit verhaftet.",
                "Arrestato per il suo lavoro in difesa dei diritti umani.",
            ),
        ],
        "intro": (
            "Lauréat du prix Nobel de la paix, il a consacré sa vie à documenter les violations des droits humains au Bélarus.",
            "Der Friedensnobelpreisträger hat sein Leben der Dokumentation von Menschenrechtsverletzungen in Belarus gewidmet.",
            "Premio Nobel per la pace, ha dedicato la vita a documentare le violazioni dei diritti umani in Bielorussia.",
        ),
        "story": (
            "Condamné à 10 ans, il est détenu dans des conditions dures : isolement, travail forcé et soins refusés "
            "alors que sa santé se dégrade.",
            "Zu 10 Jahren verurteilt, wird er unter harten Bedingungen festgehalten: Isolation, Zwangsarbeit und "
            "verweigerte Behandlung, obwohl sich seine Gesundheit verschlechtert.",
            "Condannato a 10 anni, è detenuto in condizioni dure: isolamento, lavoro forzato e cure negate mentre "
            "la sua salute peggiora.",
        ),
    },
    {
        "full_name": "Nasta Loika",
        "slug": "nasta-loika",
        "other_spellings": "Nasta Loyka\nAnastasia Loika\nНаста Лойка\nАнастасия Лойко",
        "status": PrisonerStatus.DETAINED,
        "themes": ["defenseurs-des-droits"],
        "colour": "#8b3a1f",
        "text": {
            "occupation": (
                "Défenseure des droits humains et éducatrice",
                "Menschenrechtsverteidigerin und Pädagogin",
                "Difensora dei diritti umani ed educatrice",
            ),
            "sentence": ("7 ans en colonie pénitentiaire", "7 Jahre Straflager", "7 anni in colonia penale"),
            "portrait_alt": (
                "Portrait provisoire de Nasta Loika : ses initiales sur fond brun",
                "Platzhalterbild für Nasta Loika: ihre Initialen auf braunem Grund",
                "Ritratto provvisorio di Nasta Loika: le sue iniziali su fondo marrone",
            ),
        },
        "timeline": [],
        "intro": (
            "Défenseure des droits humains et éducatrice, elle a été condamnée à sept ans de colonie pénitentiaire : un coup dur pour toute la communauté militante.",
            "Die Menschenrechtsverteidigerin und Pädagogin wurde zu sieben Jahren Straflager verurteilt: ein harter Schlag für alle Aktivist·innen.",
            "Difensora dei diritti umani ed educatrice, è stata condannata a sette anni di colonia penale: un duro colpo per tutta la comunità degli attivisti.",
        ),
        "story": None,
    },
    {
        "full_name": "Marfa Rabkova",
        "slug": "marfa-rabkova",
        "other_spellings": "Марфа Рабкова",
        "status": PrisonerStatus.DETAINED,
        "themes": ["defenseurs-des-droits"],
        "colour": None,  # no portrait: shows how a sparse record renders
        "text": {
            "occupation": (
                "Coordinatrice des bénévoles de Viasna",
                "Koordinatorin der Freiwilligen von Viasna",
                "Coordinatrice dei volontari di Viasna",
            ),
        },
        "timeline": [],
        "intro": None,
        "story": None,
    },
    {
        "full_name": "Mikalai Statkevich",
        "slug": "mikalai-statkevich",
        "other_spellings": "Nikolai Statkevich\nMikalaj Statkievič\nМікалай Статкевіч\nНиколай Статкевич",
        "status": PrisonerStatus.DISAPPEARED,
        "released_on": datetime.date(2025, 9, 1),
        "themes": ["opposition-politique"],
        "colour": "#2e5e2e",
        "text": {
            "occupation": (
                "Homme politique d'opposition",
                "Oppositionspolitiker",
                "Politico dell'opposizione",
            ),
            "portrait_alt": (
                "Portrait provisoire de Mikalai Statkevich : ses initiales sur fond vert",
                "Platzhalterbild für Mikalai Statkevich: seine Initialen auf grünem Grund",
                "Ritratto provvisorio di Mikalai Statkevich: le sue iniziali su fondo verde",
            ),
        },
        "timeline": [
            (
                datetime.date(2025, 9, 1),
                "Libéré avec 51 autres détenu·e·s et conduit à la frontière lituanienne, il refuse l'exil.",
                "Mit 51 weiteren Gefangenen freigelassen und an die litauische Grenze gebracht, verweigert er das Exil.",
                "Liberato con altri 51 detenuti e portato al confine lituano, rifiuta l'esilio.",
            ),
        ],
        "intro": (
            "Libéré le 1er septembre 2025, il a refusé de quitter son pays. Les autorités taisent depuis où il se trouve.",
            "Am 1. September 2025 freigelassen, weigerte er sich, sein Land zu verlassen. Seither verschweigen die Behörden, wo er ist.",
            "Liberato il 1° settembre 2025, ha rifiutato di lasciare il suo paese. Da allora le autorità tacciono dove si trovi.",
        ),
        "story": None,
    },
]

INDEX = {
    "title": ("Prisonnières et prisonniers", "Gefangene", "Prigionieri"),
    "slug": ("prisonniers", "gefangene", "prigionieri"),
    "intro": (
        "Ces personnes sont détenues ou persécutées pour avoir exprimé leurs opinions. Découvrez leur histoire et agissez.",
        "Diese Menschen sind inhaftiert oder verfolgt, weil sie ihre Meinung geäussert haben. Lernen Sie ihre Geschichte kennen und handeln Sie.",
        "Queste persone sono detenute o perseguitate per aver espresso le proprie opinioni. Scopri la loro storia e agisci.",
    ),
}
CALL = {
    "heading": ("Ne les oublions pas", "Vergessen wir sie nicht", "Non dimentichiamoli"),
    "text": (
        "D'autres personnes attendent votre soutien.",
        "Weitere Menschen warten auf Ihre Unterstützung.",
        "Altre persone aspettano il tuo sostegno.",
    ),
    "link_text": ("Voir toutes les personnes", "Alle Personen ansehen", "Vedi tutte le persone"),
}
LANGUAGES = ("fr", "de", "it")


def strings_for(language, *texts):
    """{French: translation} for the given (fr, de, it) tuples, for `sections.translation.translate`."""
    position = LANGUAGES.index(language)
    return {text[0]: text[position] for text in texts if text}


def placeholder_portrait(name, colour):
    """A locally drawn portrait placeholder (initials on a colour); nothing is downloaded."""
    if Collection.get_first_root_node() is None:  # a flushed database (after transactional tests)
        Collection.add_root(name="Root")
    Image = get_image_model()
    title = f"Portrait (placeholder): {name}"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", (480, 600), colour)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    ImageDraw.Draw(picture).text((240, 300), initials, fill="#ffffff", font_size=160, anchor="mm")
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    image = Image(title=title, file=ImageFile(buffer, name=f"portrait-{name.lower().replace(' ', '-')}.png"))
    image.save()
    return image


def load_themes(french):
    themes = {}
    for slug, *names in THEMES:
        theme, _ = Theme.objects.update_or_create(slug=slug, locale=french, defaults={"name": names[0]})
        for language in ("de", "it"):
            translate(theme, language, strings_for(language, tuple(names)))
        themes[slug] = theme
    return themes


def load_record(person, french, themes):
    record = PrisonerRecord.objects.filter(full_name=person["full_name"], locale=french).first()
    if record is None:
        record = PrisonerRecord(full_name=person["full_name"], locale=french)
    record.other_spellings = person["other_spellings"]
    record.country = COUNTRY["fr"]
    record.status = person["status"]
    record.arrested_on = person.get("arrested_on")
    record.released_on = person.get("released_on")
    for field, texts in person["text"].items():
        setattr(record, field, texts[0])
    if person["colour"]:
        record.portrait = placeholder_portrait(person["full_name"], person["colour"])
        record.portrait_credit = "Plaidoyer (illustration)"
    record.save()
    record.themes.set([themes[slug] for slug in person["themes"]])
    record.save()
    for date, text_fr, *_others in person["timeline"]:
        PrisonerTimelineEntry.objects.update_or_create(
            record=record, date=date, defaults={"text": text_fr, "locale": french}
        )
    country = (COUNTRY["fr"], COUNTRY["de"], COUNTRY["it"])
    for language in ("de", "it"):
        texts = [country, *person["text"].values(), *(entry[1:] for entry in person["timeline"])]
        translate(record, language, strings_for(language, *texts))
    return record


def body_for(person):
    if not person["story"]:
        return []
    return [{"type": "paragraph", "value": f"<p>{person['story'][0]}</p>"}]


def load_section(section, records):
    home = section.homes["fr"]
    index = PrisonerIndexPage.objects.child_of(home).first()
    if index is None:
        index = PrisonerIndexPage(title=INDEX["title"][0], slug=INDEX["slug"][0], locale=home.locale)
        home.add_child(instance=index)
    index.title, index.intro = INDEX["title"][0], INDEX["intro"][0]
    index.save_revision().publish()
    pages = []
    for person in PEOPLE:
        page = PrisonerPage.objects.child_of(index).filter(slug=person["slug"]).first()
        if page is None:
            page = PrisonerPage(
                title=person["full_name"],
                slug=person["slug"],
                record=records[person["slug"]],
                locale=home.locale,
            )
            index.add_child(instance=page)
        page.record = records[person["slug"]]
        page.intro = person["intro"][0] if person["intro"] else ""
        page.body = body_for(person)
        page.calls_to_action = [
            {
                "type": "call_to_action",
                "value": {
                    "heading": CALL["heading"][0],
                    "text": CALL["text"][0],
                    "page": index.pk,
                    "link_text": CALL["link_text"][0],
                },
            }
        ]
        page.save_revision().publish()
        pages.append((page, person))
    for language in section.languages[1:]:
        translated_index = translate(
            index, language, strings_for(language, INDEX["title"], INDEX["slug"], INDEX["intro"])
        )
        for page, person in pages:
            texts = [CALL["heading"], CALL["text"], CALL["link_text"], person["intro"], person["story"]]
            translate(page, language, strings_for(language, *texts))
        transaction.on_commit(partial(recount_children, translated_index.pk))
    return index


def recount_children(page_id):
    """Workaround: inside one transaction, wagtail-localize publishes a new translation on commit from
    the instance it held before its children were added, which writes back numchild=0 and hides them
    from routing. Runs after those callbacks (on_commit keeps order); harmless when nothing drifted."""
    page = Page.objects.get(pk=page_id)
    count = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
    Page.objects.filter(pk=page_id).update(numchild=count)


def load(sections):
    french = Locale.objects.get(language_code="fr")
    for language in ("de", "it"):
        Locale.objects.get_or_create(language_code=language)
    themes = load_themes(french)
    records = {person["slug"]: load_record(person, french, themes) for person in PEOPLE}
    return {code: load_section(section, records) for code, section in sections.items()}
