"""Demo petitions from the seeds, in their sections and languages, with a few confirmed signatures.

Idempotent: pages are found by slug and updated, signatures by address, counts reconciled.
"""

from django.utils import timezone
from wagtail.models import Locale

from prisoners.models import PrisonerRecord
from sections.translation import translate
from supporters.models import ActionCount, ConsentPurpose, ConsentRecord, Supporter

from .models import PetitionPage, Signature, SignatureState

MINISTER = {
    "addressee_name": "Ministre des Affaires étrangères",
    "addressee_title": "Ministère des Affaires étrangères de la République de Biélorussie",
    "addressee_address": "vul. Lenina 19\n220030 Minsk\nRépublique de Biélorussie",
}

PETITIONS = [
    {
        # Seed 000: the Swiss campaign that ended once 1,000 people had signed.
        "section": "ch",
        "slug": "liberte-maria-kolesnikova",
        "title": "Liberté pour Maria Kolesnikova et tous les prisonniers politiques en Biélorussie",
        "addressee_name": "Le régime biélorusse",
        "demand": (
            "Libérez immédiatement et sans condition Maria Kolesnikova et toutes les personnes détenues "
            "pour avoir exercé leur liberté d'expression et de réunion."
        ),
        "paragraphs": [
            (
                "Depuis l'élection présidentielle truquée d'août 2020, selon l'OSCE, des arrestations "
                "arbitraires ont lieu chaque jour au Bélarus. Plus de 1100 personnes, dont la politicienne "
                "d'opposition Maria Kolesnikova, sont en détention politique."
            ),
            (
                "En 2020 et 2021, on a compté plus de 40 000 arrestations pour motifs politiques et "
                "documenté plus de 1800 cas de torture par l'État."
            ),
            (
                "Le Bélarus est partie au Pacte international relatif aux droits civils et politiques : "
                "nous rappelons aux autorités cet engagement."
            ),
        ],
        "prisoners": ["Maryia Kalesnikava"],
        "goal": 1000,
        "closed": True,
        "total": 1000,
        "signers": [("Léa", "Rochat", "Suisse", "1003"), ("Jonas", "Keller", "Schweiz", "8004")],
        "translations": {
            "de": {
                "Liberté pour Maria Kolesnikova et tous les prisonniers politiques en Biélorussie": (
                    "Freiheit für Maria Kolesnikova und alle politischen Gefangenen in Belarus"
                ),
                "liberte-maria-kolesnikova": "freiheit-maria-kolesnikova",
                "Depuis l'élection présidentielle truquée d'août 2020, selon l'OSCE, des arrestations "
                "arbitraires ont lieu chaque jour au Bélarus. Plus de 1100 personnes, dont la politicienne "
                "d'opposition Maria Kolesnikova, sont en détention politique.": (
                    "Seit der laut OSZE manipulierten Präsidentschaftswahl vom August 2020 werden in Belarus "
                    "täglich Menschen willkürlich verhaftet. Über 1100 Personen, darunter die "
                    "Oppositionspolitikerin Maria Kolesnikova, sind in politischer Haft."
                ),
                "En 2020 et 2021, on a compté plus de 40 000 arrestations pour motifs politiques et "
                "documenté plus de 1800 cas de torture par l'État.": (
                    "2020 und 2021 wurden über 40 000 politisch motivierte Verhaftungen gezählt und mehr als "
                    "1800 Fälle staatlicher Folter dokumentiert."
                ),
                "Le Bélarus est partie au Pacte international relatif aux droits civils et politiques : "
                "nous rappelons aux autorités cet engagement.": (
                    "Belarus ist Vertragsstaat des Internationalen Pakts über bürgerliche und politische "
                    "Rechte: Wir erinnern die Behörden an diese Verpflichtung."
                ),
                "Le régime biélorusse": "Das belarussische Regime",
                "Libérez immédiatement et sans condition Maria Kolesnikova et toutes les personnes détenues "
                "pour avoir exercé leur liberté d'expression et de réunion.": (
                    "Lassen Sie Maria Kolesnikova und alle Menschen, die wegen ihrer Meinungs- und "
                    "Versammlungsfreiheit inhaftiert sind, sofort und bedingungslos frei."
                ),
            },
            "it": {
                "Liberté pour Maria Kolesnikova et tous les prisonniers politiques en Biélorussie": (
                    "Libertà per Maria Kolesnikova e per tutti i prigionieri politici in Bielorussia"
                ),
                "liberte-maria-kolesnikova": "liberta-maria-kolesnikova",
                "Depuis l'élection présidentielle truquée d'août 2020, selon l'OSCE, des arrestations "
                "arbitraires ont lieu chaque jour au Bélarus. Plus de 1100 personnes, dont la politicienne "
                "d'opposition Maria Kolesnikova, sont en détention politique.": (
                    "Dalle elezioni presidenziali dell'agosto 2020, truccate secondo l'OSCE, in Bielorussia "
                    "ogni giorno si arrestano persone arbitrariamente. Oltre 1100 persone, tra cui la "
                    "politica d'opposizione Maria Kolesnikova, sono detenute per motivi politici."
                ),
                "En 2020 et 2021, on a compté plus de 40 000 arrestations pour motifs politiques et "
                "documenté plus de 1800 cas de torture par l'État.": (
                    "Nel 2020 e nel 2021 si sono contati oltre 40 000 arresti per motivi politici e "
                    "documentati più di 1800 casi di tortura di Stato."
                ),
                "Le Bélarus est partie au Pacte international relatif aux droits civils et politiques : "
                "nous rappelons aux autorités cet engagement.": (
                    "La Bielorussia è parte del Patto internazionale sui diritti civili e politici: "
                    "ricordiamo alle autorità questo impegno."
                ),
                "Le régime biélorusse": "Il regime bielorusso",
                "Libérez immédiatement et sans condition Maria Kolesnikova et toutes les personnes détenues "
                "pour avoir exercé leur liberté d'expression et de réunion.": (
                    "Liberate subito e senza condizioni Maria Kolesnikova e tutte le persone detenute per "
                    "aver esercitato la libertà di espressione e di riunione."
                ),
            },
        },
    },
    {
        # Seed 002's appeal to the minister, as a petition of the Swiss section.
        "section": "ch",
        "slug": "liberez-maryia-kalesnikava",
        "title": "Libérez Maryia Kalesnikava",
        **MINISTER,
        "demand": (
            "Monsieur le Ministre, obtenez la libération immédiate de Maryia Kalesnikava et l'annulation "
            "de sa condamnation à onze ans de prison."
        ),
        "paragraphs": [
            (
                "Musicienne, Maryia Kalesnikava a rejoint en 2020 la campagne de la candidate indépendante "
                "Sviatlana Tsikhanouskaya. Elle a refusé l'exil que les autorités voulaient lui imposer."
            ),
            (
                "Arrêtée, elle a été condamnée à onze ans de prison, notamment pour « extrémisme ». Elle est "
                "détenue à l'isolement et n'a qu'un accès limité aux soins médicaux."
            ),
        ],
        "prisoners": ["Maryia Kalesnikava"],
        "goal": 500,
        "signers": [
            ("Camille", "Favre", "Suisse", "1201"),
            ("Noah", "Roth", "Schweiz", "3011"),
            ("Giulia", "Bernasconi", "Svizzera", "6900"),
        ],
        "translations": {
            "de": {
                "Libérez Maryia Kalesnikava": "Freiheit für Maryia Kalesnikava",
                "liberez-maryia-kalesnikava": "freiheit-maryia-kalesnikava",
                "Musicienne, Maryia Kalesnikava a rejoint en 2020 la campagne de la candidate indépendante "
                "Sviatlana Tsikhanouskaya. Elle a refusé l'exil que les autorités voulaient lui imposer.": (
                    "Die Musikerin Maryia Kalesnikava schloss sich 2020 der Kampagne der unabhängigen "
                    "Kandidatin Sviatlana Tsikhanouskaya an. Das Exil, das ihr die Behörden aufzwingen "
                    "wollten, lehnte sie ab."
                ),
                "Arrêtée, elle a été condamnée à onze ans de prison, notamment pour « extrémisme ». Elle est "
                "détenue à l'isolement et n'a qu'un accès limité aux soins médicaux.": (
                    "Sie wurde verhaftet und unter anderem wegen «Extremismus» zu elf Jahren Haft verurteilt. "
                    "Sie sitzt in Isolationshaft und hat nur eingeschränkten Zugang zu medizinischer Versorgung."
                ),
                "Ministre des Affaires étrangères": "Aussenminister",
                MINISTER[
                    "addressee_title"
                ]: "Ministerium für Auswärtige Angelegenheiten der Republik Belarus",
                # wagtail-localize keeps a plain-text field's line breaks as <br/> in its segments.
                "vul. Lenina 19<br/>220030 Minsk<br/>République de Biélorussie": (
                    "vul. Lenina 19<br/>220030 Minsk<br/>Belarus"
                ),
                "Monsieur le Ministre, obtenez la libération immédiate de Maryia Kalesnikava et l'annulation "
                "de sa condamnation à onze ans de prison.": (
                    "Herr Minister, erwirken Sie die sofortige Freilassung von Maryia Kalesnikava und die "
                    "Aufhebung ihrer Verurteilung zu elf Jahren Haft."
                ),
            },
            "it": {
                "Libérez Maryia Kalesnikava": "Liberate Maryia Kalesnikava",
                "liberez-maryia-kalesnikava": "liberate-maryia-kalesnikava",
                "Musicienne, Maryia Kalesnikava a rejoint en 2020 la campagne de la candidate indépendante "
                "Sviatlana Tsikhanouskaya. Elle a refusé l'exil que les autorités voulaient lui imposer.": (
                    "Musicista, Maryia Kalesnikava si è unita nel 2020 alla campagna della candidata "
                    "indipendente Sviatlana Tsikhanouskaya. Ha rifiutato l'esilio che le autorità volevano "
                    "imporle."
                ),
                "Arrêtée, elle a été condamnée à onze ans de prison, notamment pour « extrémisme ». Elle est "
                "détenue à l'isolement et n'a qu'un accès limité aux soins médicaux.": (
                    "Arrestata, è stata condannata a undici anni di carcere, tra l'altro per «estremismo». È "
                    "detenuta in isolamento e ha un accesso limitato alle cure mediche."
                ),
                "Ministre des Affaires étrangères": "Ministro degli Affari esteri",
                MINISTER["addressee_title"]: "Ministero degli Affari esteri della Repubblica di Bielorussia",
                "vul. Lenina 19<br/>220030 Minsk<br/>République de Biélorussie": (
                    "vul. Lenina 19<br/>220030 Minsk<br/>Bielorussia"
                ),
                "Monsieur le Ministre, obtenez la libération immédiate de Maryia Kalesnikava et l'annulation "
                "de sa condamnation à onze ans de prison.": (
                    "Signor Ministro, ottenga la liberazione immediata di Maryia Kalesnikava e l'annullamento "
                    "della sua condanna a undici anni di carcere."
                ),
            },
        },
    },
    {
        # Seed 001: the French section's petition for Belarus's dissidents.
        "section": "fr",
        "slug": "liberte-dissidents-belarussiens",
        "title": "Liberté pour les dissident·e·s bélarussiens",
        "addressee_name": "Autorités du Bélarus",
        "demand": (
            "Mettez fin aux persécutions des dissident·e·s et libérez Maryia Kalesnikava, Ales Bialiatski, "
            "Nasta Loika, Marfa Rabkova et toutes les personnes emprisonnées pour leurs convictions."
        ),
        "paragraphs": [
            (
                "Cinq ans après la répression des manifestations pacifiques de 2020, plus d'un millier de "
                "journalistes, défenseur·e·s des droits humains et militant·e·s sont toujours en prison au "
                "Bélarus, où la dissidence pacifique est poursuivie comme de l'« extrémisme »."
            ),
            (
                "Depuis 2020, au moins neuf personnes emprisonnées pour leurs convictions politiques sont "
                "mortes en détention. Des centaines d'ONG ont dû fermer."
            ),
            (
                "Ales Bialiatski, prix Nobel de la paix, purge dix ans de prison. Maryia Kalesnikava est "
                "restée plus de 600 jours au secret. Nasta Loika, éducatrice, et Marfa Rabkova, "
                "coordinatrice des bénévoles de Viasna, sont elles aussi prisonnières d'opinion."
            ),
        ],
        "prisoners": ["Maryia Kalesnikava", "Ales Bialiatski", "Nasta Loika", "Marfa Rabkova"],
        "goal": 10000,
        "signers": [
            ("Chloé", "Bernard", "France", "75019"),
            ("Hugo", "Lefèvre", "France", "69003"),
            ("Inès", "Moreau", "France", "13001"),
            ("Yanis", "Garcia", "France", "31000"),
        ],
    },
    {
        # Seed 003: the Togolese section's petition for Maryia.
        "section": "tg",
        "slug": "maryia-kalesnikava",
        "title": "Aidez Maryia Kalesnikava à rentrer chez elle",
        **MINISTER,
        "demand": (
            "Libérez immédiatement Maryia Kalesnikava et annulez sa condamnation injuste à 11 ans "
            "d'emprisonnement."
        ),
        "paragraphs": [
            (
                "Le 7 septembre 2020, des hommes masqués ont enlevé Maryia Kalesnikava et l'ont conduite à "
                "la frontière. Elle a déchiré son passeport pour ne pas être expulsée du Bélarus."
            ),
            (
                "Condamnée à 11 ans d'emprisonnement sur la base de fausses accusations, elle est isolée "
                "des autres détenues et sa famille est restée plus d'un an sans nouvelles d'elle."
            ),
        ],
        "prisoners": ["Maryia Kalesnikava"],
        "goal": 1000,
        "signers": [("Kossi", "Agbeko", "Togo", ""), ("Afi", "Mensah", "Togo", "")],
    },
]

PRISONER_SPELLINGS = {"Maryia Kalesnikava": ["Maria Kolesnikova", "Maria Kalesnikava", "Mariya Kalesnikava"]}


def prisoner(name, locale):
    """The prisoners app's record for `name` (any usual spelling), created minimal if it has none."""
    for spelling in [name, *PRISONER_SPELLINGS.get(name, [])]:
        record = PrisonerRecord.objects.filter(locale=locale, full_name__iexact=spelling).first()
        if record is not None:
            return record
    return PrisonerRecord.objects.create(full_name=name, country="Bélarus", locale=locale)


def body_of(spec):
    return [("paragraph", f"<p>{text}</p>") for text in spec["paragraphs"]]


def upsert_petition(spec, home, locale):
    fields = {
        "title": spec["title"],
        "addressee_name": spec["addressee_name"],
        "addressee_title": spec.get("addressee_title", ""),
        "addressee_address": spec.get("addressee_address", ""),
        "demand": spec["demand"],
        "goal": spec["goal"],
        "closed": spec.get("closed", False),
    }
    petition = PetitionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
    if petition is None:
        petition = PetitionPage(slug=spec["slug"], locale=locale, **fields)
        petition.body = body_of(spec)
        home.add_child(instance=petition)
    else:
        for name, value in fields.items():
            setattr(petition, name, value)
        petition.body = body_of(spec)
    petition.prisoners.set([prisoner(name, locale) for name in spec["prisoners"]])
    petition.save_revision().publish()
    return PetitionPage.objects.get(pk=petition.pk)


def add_signatures(petition, section, signers, language):
    now = timezone.now()
    for first_name, last_name, country, postal_code in signers:
        email = f"{first_name}.{last_name}@example.org".lower()
        supporter = Supporter.for_email(section.site, email, first_name, last_name)
        signature, created = Signature.objects.get_or_create(
            petition_key=petition.translation_key,
            supporter=supporter,
            defaults={
                "site": section.site,
                "language": language,
                "petition": petition,
                "first_name": first_name,
                "last_name": last_name,
                "country": country,
                "postal_code": postal_code,
                "state": SignatureState.CONFIRMED,
                "confirmed_at": now,
            },
        )
        if created:
            wording = petition.get_consent_text(section.settings)
            ConsentRecord.objects.create(
                supporter=supporter,
                site=section.site,
                purpose=ConsentPurpose.PROCESSING,
                granted=True,
                wording=wording,
                wording_version=ConsentRecord.version_of(wording),
                language=language,
                action=f"petitions.signature:{signature.pk}",
            )


def load(sections):
    french = Locale.objects.get(language_code="fr")
    for spec in PETITIONS:
        section = sections[spec["section"]]
        petition = upsert_petition(spec, section.home, french)
        pages = {"fr": petition}
        for language, strings in spec.get("translations", {}).items():
            pages[language] = translate(petition, language, strings)
        # Spread the demo signers over the languages the petition speaks.
        languages = list(pages)
        for index, signer in enumerate(spec["signers"]):
            language = languages[index % len(languages)]
            add_signatures(pages[language], section, [signer], language)
        key = petition.translation_key
        ActionCount.reconcile(
            key,
            lambda key=key: Signature.objects.filter(
                petition_key=key, state=SignatureState.CONFIRMED
            ).count(),
        )
        if "total" in spec:
            # Signatures of the campaign gathered before this site existed, kept as an audited offset.
            count = ActionCount.objects.get(key=key)
            offset = spec["total"] - count.count
            if count.offset != offset:
                count.set_offset(
                    offset, None, "Signatures recueillies avant ce site (archives de la campagne)."
                )
