"""Demo letter-writing actions: seed 002 (Switzerland, fr/de/it, with Russian and English versions) and one for France.

Idempotent: pages are found by slug under their section's home and updated;
translations are refreshed through wagtail-localize. Facts come from the seed
pages; every sentence is written for this demo.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from prisoners.models import PrisonerRecord
from sections.translation import translate

from .models import LetterActionPage, LetterVersion

MINISTRY = {
    "addressee_title": "Ministre des Affaires étrangères",
    "addressee_address": (
        "Ministère des Affaires étrangères de la République de Biélorussie\nvul. Lenina 19\n220030 Minsk"
    ),
    "addressee_country": "République de Biélorussie",
}

SWISS = {
    "slug": "lettre-maryia-kalesnikava",
    "title": "Écrivez au ministre pour Maryia Kalesnikava",
    "campaign": "Marathon des lettres",
    "intro": (
        "Musicienne, Maryia Kalesnikava purge onze ans de prison au Bélarus pour s'être engagée pacifiquement "
        "lors de la présidentielle de 2020. Une lettre signée de votre main, postée vers Minsk, rappelle aux "
        "autorités que le monde entier la regarde."
    ),
    "salutation": "Monsieur le Ministre,",
    "letter_body": (
        "Je vous écris au sujet de Maryia Kalesnikava, musicienne de profession, arrêtée en septembre 2020 "
        "après avoir refusé d'être expulsée de son propre pays, puis condamnée à onze ans de prison. Elle n'a "
        "fait qu'exercer pacifiquement ses libertés d'expression et d'association en dénonçant les arrestations "
        "arbitraires et les abus qui ont entouré l'élection présidentielle de 2020.\n\n"
        "Je vous demande d'agir sans délai pour qu'elle retrouve la liberté, sans condition, que sa "
        "condamnation soit annulée et que son nom disparaisse de la liste officielle des personnes accusées "
        "d'« activités terroristes ».\n\n"
        "En attendant, je vous prie de veiller à ce qu'elle soit à l'abri de la torture et de tout mauvais "
        "traitement, qu'elle reçoive les soins médicaux dont elle a besoin et qu'elle puisse voir sa famille "
        "et ses avocats."
    ),
    "closing": "Je vous prie d'agréer, Monsieur le Ministre, l'expression de ma haute considération.",
    "postage": "Timbre pour lettre internationale (jusqu'à 20 g)",
    "where_to_post": "Dans n'importe quelle boîte aux lettres de La Poste, ou à un guichet postal.",
    "tone": (
        "Restez courtois et factuel : le ministre est plus sensible à une lettre respectueuse. Parlez de vous "
        "et de pourquoi son sort vous touche, sans propos politiques sur le pays."
    ),
    "goal": 2000,
    "collect_messages": True,
    "messages_intro": (
        "Écrivez aussi quelques mots à Maryia : nous les lisons, puis les imprimons sur des cartes que nous "
        "lui faisons parvenir."
    ),
}

SWISS_TRANSLATIONS = {
    "de": {
        SWISS["slug"]: "brief-maryia-kalesnikava",
        SWISS["title"]: "Schreiben Sie dem Minister für Maryia Kalesnikava",
        SWISS["campaign"]: "Briefmarathon",
        SWISS["intro"]: (
            "Die Musikerin Maryia Kalesnikava verbüsst in Belarus elf Jahre Haft, weil sie sich 2020 friedlich "
            "im Präsidentschaftswahlkampf engagiert hat. Ein von Ihnen unterschriebener Brief nach Minsk zeigt "
            "den Behörden, dass die Welt hinschaut."
        ),
        MINISTRY["addressee_title"]: "Minister für auswärtige Angelegenheiten",
        MINISTRY["addressee_address"]: (
            "Ministerium für auswärtige Angelegenheiten der Republik Belarus\nvul. Lenina 19\n220030 Minsk"
        ),
        MINISTRY["addressee_country"]: "Republik Belarus",
        SWISS["salutation"]: "Sehr geehrter Herr Minister",
        SWISS["letter_body"]: (
            "Ich schreibe Ihnen wegen Maryia Kalesnikava, einer Berufsmusikerin, die im September 2020 "
            "festgenommen wurde, nachdem sie sich geweigert hatte, aus ihrem eigenen Land abgeschoben zu werden, "
            "und die zu elf Jahren Haft verurteilt wurde. Sie hat lediglich friedlich ihre Meinungs- und "
            "Vereinigungsfreiheit wahrgenommen, als sie willkürliche Festnahmen und die Missstände rund um die "
            "Präsidentschaftswahl 2020 anprangerte.\n\n"
            "Ich bitte Sie, unverzüglich dafür zu sorgen, dass sie bedingungslos freikommt, dass ihr Urteil "
            "aufgehoben und ihr Name von der offiziellen Liste der Personen gestrichen wird, denen "
            "«terroristische Aktivitäten» vorgeworfen werden.\n\n"
            "Bis dahin bitte ich Sie, sie vor Folter und jeder Misshandlung zu schützen, ihr die nötige "
            "medizinische Versorgung zu gewähren und ihr Besuche ihrer Familie und ihrer Anwältinnen und "
            "Anwälte zu ermöglichen."
        ),
        SWISS["closing"]: "Mit vorzüglicher Hochachtung",
        SWISS["postage"]: "Briefmarke für einen internationalen Brief (bis 20 g)",
        SWISS["where_to_post"]: "In jeden Briefkasten der Post oder am Postschalter.",
        SWISS["tone"]: (
            "Bleiben Sie höflich und sachlich: Ein respektvoller Brief wirkt mehr. Schreiben Sie, warum Ihnen "
            "ihr Schicksal nahegeht, ohne politische Aussagen über das Land."
        ),
        SWISS["messages_intro"]: (
            "Schreiben Sie Maryia auch ein paar Worte: Wir lesen sie und lassen sie ihr auf Karten gedruckt "
            "zukommen."
        ),
    },
    "it": {
        SWISS["slug"]: "lettera-maryia-kalesnikava",
        SWISS["title"]: "Scrivete al ministro per Maryia Kalesnikava",
        SWISS["campaign"]: "Maratona di lettere",
        SWISS["intro"]: (
            "La musicista Maryia Kalesnikava sta scontando undici anni di carcere in Bielorussia per essersi "
            "impegnata pacificamente nelle presidenziali del 2020. Una lettera firmata da voi e spedita a Minsk "
            "ricorda alle autorità che il mondo le sta guardando."
        ),
        MINISTRY["addressee_title"]: "Ministro degli Affari esteri",
        MINISTRY["addressee_address"]: (
            "Ministero degli Affari esteri della Repubblica di Bielorussia\nvul. Lenina 19\n220030 Minsk"
        ),
        MINISTRY["addressee_country"]: "Repubblica di Bielorussia",
        SWISS["salutation"]: "Signor Ministro,",
        SWISS["letter_body"]: (
            "Le scrivo a proposito di Maryia Kalesnikava, musicista di professione, arrestata nel settembre 2020 "
            "dopo essersi rifiutata di essere espulsa dal proprio Paese e condannata a undici anni di carcere. "
            "Si è limitata a esercitare pacificamente la sua libertà di espressione e di associazione, "
            "denunciando gli arresti arbitrari e gli abusi che hanno accompagnato le elezioni presidenziali "
            "del 2020.\n\n"
            "Le chiedo di adoperarsi senza indugio affinché sia liberata senza condizioni, la sua condanna sia "
            "annullata e il suo nome sia tolto dall'elenco ufficiale delle persone accusate di «attività "
            "terroristiche».\n\n"
            "Nel frattempo, La prego di proteggerla da torture e maltrattamenti, di garantirle le cure mediche "
            "di cui ha bisogno e di permetterle di vedere la sua famiglia e i suoi avvocati."
        ),
        SWISS["closing"]: "Voglia gradire, Signor Ministro, i sensi della mia più alta considerazione.",
        SWISS["postage"]: "Francobollo per lettera internazionale (fino a 20 g)",
        SWISS["where_to_post"]: "In qualsiasi buca delle lettere della Posta o allo sportello postale.",
        SWISS["tone"]: (
            "Restate cortesi e fattuali: una lettera rispettosa ha più effetto. Scrivete perché la sua sorte vi "
            "tocca, senza giudizi politici sul Paese."
        ),
        SWISS["messages_intro"]: (
            "Scrivete anche qualche parola a Maryia: la leggiamo e gliela facciamo avere stampata su una cartolina."
        ),
    },
}

RUSSIAN = {
    "language": "ru",
    "salutation": "Уважаемый господин Министр!",
    "body": (
        "Я пишу вам по поводу Марии Колесниковой, профессионального музыканта, задержанной в сентябре 2020 года "
        "после того, как она отказалась покинуть свою страну, и приговорённой к одиннадцати годам лишения "
        "свободы. Она лишь мирно пользовалась свободой выражения мнений и объединений, выступая против "
        "произвольных задержаний и нарушений, сопровождавших президентские выборы 2020 года.\n\n"
        "Прошу вас безотлагательно добиться её освобождения без всяких условий, отмены приговора и исключения "
        "её имени из официального перечня лиц, причастных к «террористической деятельности».\n\n"
        "До её освобождения прошу обеспечить её защиту от пыток и жестокого обращения, доступ к необходимой "
        "медицинской помощи, а также возможность видеться с семьёй и адвокатами."
    ),
    "closing": "С уважением,",
    "addressee": (
        "Министру иностранных дел Республики Беларусь\nМинистерство иностранных дел Республики Беларусь\n"
        "ул. Ленина, 19\n220030 г. Минск"
    ),
}

ENGLISH = {
    "language": "en",
    "salutation": "Dear Minister,",
    "body": (
        "I am writing to you about Maryia Kalesnikava, a professional musician who was arrested in September "
        "2020 after refusing to be forced out of her own country, and who was sentenced to eleven years in "
        "prison. All she did was peacefully exercise her freedom of expression and association by speaking out "
        "against arbitrary arrests and the abuses surrounding the 2020 presidential election.\n\n"
        "I urge you to act without delay so that she is released unconditionally, her conviction is quashed "
        "and her name is removed from the official list of people accused of “terrorist activities”.\n\n"
        "Until then, please make sure she is protected from torture and any ill-treatment, receives the "
        "medical care she needs and can see her family and her lawyers."
    ),
    "closing": "Yours faithfully,",
    "addressee": (
        "Minister of Foreign Affairs\nMinistry of Foreign Affairs of the Republic of Belarus\n"
        "vul. Lenina 19\n220030 Minsk"
    ),
}

FRENCH = {
    "slug": "lettre-ales-bialiatski",
    "title": "Une lettre pour Ales Bialiatski, prix Nobel de la paix",
    "campaign": "Marathon des lettres",
    "intro": (
        "Lauréat du prix Nobel de la paix, Ales Bialiatski est emprisonné pour dix ans au Bélarus à cause de "
        "son travail de défenseur des droits humains. Sa santé décline : écrivez au ministre pour demander "
        "sa libération."
    ),
    "salutation": "Monsieur le Ministre,",
    "letter_body": (
        "Défenseur des droits humains reconnu dans le monde entier et lauréat du prix Nobel de la paix, Ales "
        "Bialiatski a été condamné à dix ans de prison pour le seul fait d'avoir documenté les violations des "
        "droits fondamentaux au Bélarus avec l'organisation Viasna.\n\n"
        "Il est détenu dans des conditions très dures, à l'isolement et astreint au travail forcé, alors que "
        "sa santé se dégrade. Je vous demande d'obtenir sa libération immédiate et sans condition, et en "
        "attendant de lui assurer les soins dont il a besoin et des contacts réguliers avec ses proches."
    ),
    "closing": "Veuillez agréer, Monsieur le Ministre, l'expression de ma considération distinguée.",
    "postage": "Timbre « lettre internationale » (jusqu'à 20 g)",
    "where_to_post": "Dans une boîte jaune de La Poste ou en bureau de poste.",
    "tone": "Un ton poli et mesuré porte davantage : dites simplement pourquoi son sort vous importe.",
    "goal": 1000,
    "collect_messages": True,
    "messages_intro": "Quelques mots de soutien pour Ales : nous les lui ferons parvenir sur des cartes.",
}


def _record(full_name, country, french):
    """The shared prisoner record (made by the prisoners demo; created here if that demo did not run)."""
    record = PrisonerRecord.objects.filter(full_name=full_name, locale=french).first()
    if record is None:
        record = PrisonerRecord.objects.create(full_name=full_name, country=country, locale=french)
    return record


def _save_action(home, spec, record, versions):
    today = timezone.localdate()
    fields = dict(spec, **MINISTRY)
    fields["closes_on"] = today + datetime.timedelta(days=60)
    fields["post_by"] = fields["closes_on"]
    page = LetterActionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
    if page is None:
        page = LetterActionPage(**fields)
        home.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.prisoners = [record]
    page.letter_versions = [LetterVersion(**version) for version in versions]
    page.save_revision().publish()
    return page.specific


def _as_segments(strings):
    # wagtail-localize keeps a plain-text field's line breaks as <br/> in its segments.
    return {source.replace("\n", "<br/>"): text.replace("\n", "<br/>") for source, text in strings.items()}


@transaction.atomic
def load(sections):
    french = Locale.objects.get(language_code="fr")
    maryia = _record("Maryia Kalesnikava", "Bélarus", french)
    ales = _record("Ales Bialiatski", "Bélarus", french)

    swiss = _save_action(sections["ch"].home, SWISS, maryia, [RUSSIAN, ENGLISH])
    for language, strings in SWISS_TRANSLATIONS.items():
        if language in sections["ch"].homes:
            translate(swiss, language, _as_segments(strings))
    if "fr" in sections:
        _save_action(sections["fr"].home, FRENCH, ales, [RUSSIAN_FOR_ALES, ENGLISH_FOR_ALES])
    return swiss


RUSSIAN_FOR_ALES = {
    "language": "ru",
    "salutation": "Уважаемый господин Министр!",
    "body": (
        "Алесь Беляцкий, правозащитник и лауреат Нобелевской премии мира, приговорён к десяти годам лишения "
        "свободы только за то, что вместе с правозащитным центром «Весна» документировал нарушения прав "
        "человека в Беларуси.\n\n"
        "Он содержится в тяжёлых условиях, в изоляции и на принудительных работах, а его здоровье ухудшается. "
        "Прошу вас добиться его немедленного и безоговорочного освобождения, а до тех пор обеспечить ему "
        "необходимую медицинскую помощь и регулярную связь с близкими."
    ),
    "closing": "С уважением,",
    "addressee": RUSSIAN["addressee"],
}

ENGLISH_FOR_ALES = {
    "language": "en",
    "salutation": "Dear Minister,",
    "body": (
        "Ales Bialiatski, a human rights defender and Nobel Peace Prize laureate, was sentenced to ten years "
        "in prison simply for documenting human rights violations in Belarus with the Viasna centre.\n\n"
        "He is held in harsh conditions, in isolation and made to do forced labour, while his health is "
        "failing. I ask you to secure his immediate and unconditional release and, until then, to ensure he "
        "gets the medical care he needs and regular contact with his family."
    ),
    "closing": "Yours faithfully,",
    "addressee": ENGLISH["addressee"],
}
