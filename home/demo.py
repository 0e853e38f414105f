"""Demo content for the home app: each section's home page, privacy page, news and press releases.

Runs last in `load_demo` so the home page can feature the action pages the other apps created.
Every sentence is written for this project from the facts of the seed pages.
"""

import datetime

from wagtail.models import Page

from sections.images import demo_image
from sections.translation import translate

from .models import HomePage, NewsIndexPage, NewsPage, StandardPage

HERO = {
    "heading": "Agissez dès maintenant pour sauver des vies",
    "text": "Une signature, une lettre ou un don : chaque geste montre aux autorités que le monde regarde.",
    "link_text": "Je passe à l'action",
}
INTRO = "Nous défendons les personnes emprisonnées pour leurs opinions, ici et partout dans le monde."
FIGURES_HEADING = "Nos victoires"
FIGURES = [
    ("", True, "actions prises sur ce site"),
    ("5 828 323", False, "actions lors de la campagne Écrire pour les droits 2023"),
    ("52", False, "personnes détenues au Bélarus libérées le 1er septembre 2025"),
]
# Figures the membership app counts (home.actions.LIVE_FIGURES_HOOK).
LIVE_FIGURES = [("members", "membres de la section"), ("groups", "groupes locaux")]
FEATURED_HEADING = "Nos actions en cours"
JOIN = {
    "heading": "Rejoignez une communauté active",
    "text": "Des milliers de bénévoles se mobilisent chaque année pour des personnes en danger. Pourquoi pas vous ?",
    "link_text": "Nous rejoindre",
}
PRIVACY_TITLE = "Politique de confidentialité"
PRIVACY_INTRO = (
    "Nous ne traitons vos données que pour l'action que vous choisissez, et seulement le temps nécessaire."
)
PRIVACY_PARAGRAPHS = [
    "Quand vous signez, écrivez une lettre ou faites un don, nous enregistrons votre nom, votre adresse email "
    "et le texte exact de l'accord que vous avez donné.",
    "Votre adresse IP n'est jamais conservée en clair. Vous pouvez demander à tout moment l'effacement de vos données.",
]
NEWS_TITLE = "Actualités"
NEWS_INTRO = "Communiqués de presse et nouvelles de nos campagnes."
RELEASE = {
    "title": "Bélarus : 52 libérations bienvenues, mais la répression continue",
    "slug": "belarus-52-liberations",
    "date": datetime.date(2025, 9, 11),
    "summary": (
        "Le 1er septembre 2025, 52 personnes détenues pour des motifs politiques ont été remises en liberté. "
        "Plus d'un millier d'autres restent derrière les barreaux."
    ),
    "paragraphs": [
        "Parmi les personnes libérées figurent des journalistes, des syndicalistes et des militant·e·s. "
        "Ces libérations, obtenues dans le cadre d'un accord entre les présidents bélarussien et étasunien, "
        "sont un soulagement pour leurs familles.",
        "Elles ne changent pas le climat de peur : toute critique du pouvoir expose encore à l'arrestation, "
        "à la torture et à des procès inéquitables.",
        "L'opposant Mikalai Statkevich a été conduit à la frontière lituanienne avec les autres personnes "
        "libérées ; il a refusé l'exil, et l'on est depuis sans nouvelles de lui.",
    ],
    "quote": "Seule la libération immédiate et sans condition de toutes les personnes détenues pour leurs opinions peut mettre fin à cette crise.",
}
STATKEVICH = {
    "title": "Bélarus : Mikalai Statkevich victime d'une disparition forcée",
    "slug": "belarus-statkevich-disparition",
    "date": datetime.date(2025, 9, 25),
    "summary": (
        "Après avoir refusé d'être exilé, l'opposant Mikalai Statkevich n'a plus donné signe de vie. "
        "Nous demandons aux autorités de dire où il se trouve."
    ),
}
JOIN_PAGE = {
    "title": "Nous rejoindre",
    "slug": "nous-rejoindre",
    "intro": (
        "Notre section est un mouvement de bénévoles qui défendent les droits inscrits dans les conventions "
        "internationales. Rejoignez un groupe local ou agissez comme membre individuel."
    ),
}

# The footer menu's own wording (other links show their page's title).
PRESS_LINK = "Communiqués de presse"

# German and Italian for the Swiss section (translated through wagtail-localize).
SWISS = {
    "de": {
        HERO["heading"]: "Handeln Sie jetzt, um Leben zu retten",
        HERO[
            "text"
        ]: "Eine Unterschrift, ein Brief oder eine Spende: Jede Geste zeigt den Behörden, dass die Welt hinschaut.",
        HERO["link_text"]: "Jetzt handeln",
        INTRO: "Wir setzen uns für Menschen ein, die wegen ihrer Meinung inhaftiert sind – hier und überall auf der Welt.",
        FIGURES_HEADING: "Unsere Erfolge",
        FIGURES[0][2]: "Aktionen auf dieser Website",
        FIGURES[1][2]: "Aktionen beim Briefmarathon 2023",
        FIGURES[2][2]: "Gefangene in Belarus am 1. September 2025 freigelassen",
        LIVE_FIGURES[0][1]: "Mitglieder der Sektion",
        LIVE_FIGURES[1][1]: "Lokalgruppen",
        FEATURED_HEADING: "Unsere laufenden Aktionen",
        JOIN["heading"]: "Werden Sie Teil einer aktiven Gemeinschaft",
        JOIN[
            "text"
        ]: "Jedes Jahr engagieren sich Tausende Freiwillige für Menschen in Gefahr. Warum nicht auch Sie?",
        JOIN["link_text"]: "Mitmachen",
        PRIVACY_TITLE: "Datenschutzerklärung",
        PRIVACY_INTRO: "Wir bearbeiten Ihre Daten nur für die Aktion, die Sie wählen, und nur so lange wie nötig.",
        PRIVACY_PARAGRAPHS[
            0
        ]: "Wenn Sie unterschreiben, einen Brief schreiben oder spenden, speichern wir Ihren Namen, "
        "Ihre E-Mail-Adresse und den genauen Wortlaut Ihrer Einwilligung.",
        PRIVACY_PARAGRAPHS[
            1
        ]: "Ihre IP-Adresse wird nie im Klartext gespeichert. Sie können jederzeit die Löschung Ihrer Daten verlangen.",
        NEWS_TITLE: "Aktuell",
        "actualites": "aktuell",
        JOIN_PAGE["title"]: "Mitmachen",
        JOIN_PAGE["slug"]: "mitmachen",
        JOIN_PAGE[
            "intro"
        ]: "Unsere Sektion ist eine Bewegung von Freiwilligen, die die in internationalen Abkommen "
        "verankerten Rechte verteidigen. Machen Sie in einer Lokalgruppe mit oder engagieren Sie sich als Einzelmitglied.",
        "confidentialite": "datenschutz",
        RELEASE["slug"]: "belarus-52-freilassungen",
        NEWS_INTRO: "Medienmitteilungen und Neuigkeiten aus unseren Kampagnen.",
        RELEASE["title"]: "Belarus: 52 Freilassungen sind willkommen, doch die Repression geht weiter",
        RELEASE[
            "summary"
        ]: "Am 1. September 2025 wurden 52 aus politischen Gründen inhaftierte Menschen freigelassen. "
        "Mehr als tausend weitere bleiben hinter Gittern.",
        RELEASE["paragraphs"][0]: "Unter den Freigelassenen sind Journalistinnen und Journalisten, "
        "Gewerkschafter und Aktivistinnen. Die Freilassungen, erreicht durch eine Vereinbarung zwischen dem "
        "belarussischen und dem US-amerikanischen Präsidenten, sind eine Erleichterung für ihre Familien.",
        RELEASE["paragraphs"][1]: "Am Klima der Angst ändern sie nichts: Wer die Macht kritisiert, riskiert "
        "weiterhin Verhaftung, Folter und unfaire Prozesse.",
        RELEASE["paragraphs"][
            2
        ]: "Der Oppositionelle Mikalai Statkevich wurde mit den anderen Freigelassenen "
        "an die litauische Grenze gebracht; er lehnte das Exil ab, und seither fehlt von ihm jede Spur.",
        RELEASE["quote"]: "Nur die sofortige und bedingungslose Freilassung aller wegen ihrer Meinung "
        "Inhaftierten kann diese Krise beenden.",
        "Spécialiste du Bélarus": "Belarus-Expertin",
        PRESS_LINK: "Medienmitteilungen",
    },
    "it": {
        HERO["heading"]: "Agisci ora per salvare vite",
        HERO[
            "text"
        ]: "Una firma, una lettera o una donazione: ogni gesto mostra alle autorità che il mondo sta guardando.",
        HERO["link_text"]: "Agisci ora",
        INTRO: "Difendiamo le persone imprigionate per le loro opinioni, qui e in tutto il mondo.",
        FIGURES_HEADING: "Le nostre vittorie",
        FIGURES[0][2]: "azioni compiute su questo sito",
        FIGURES[1][2]: "azioni durante la Maratona di lettere 2023",
        FIGURES[2][2]: "detenuti in Bielorussia liberati il 1° settembre 2025",
        LIVE_FIGURES[0][1]: "membri della sezione",
        LIVE_FIGURES[1][1]: "gruppi locali",
        FEATURED_HEADING: "Le nostre azioni in corso",
        JOIN["heading"]: "Unisciti a una comunità attiva",
        JOIN["text"]: "Ogni anno migliaia di volontari si mobilitano per persone in pericolo. Perché non tu?",
        JOIN["link_text"]: "Unisciti a noi",
        PRIVACY_TITLE: "Informativa sulla privacy",
        PRIVACY_INTRO: "Trattiamo i tuoi dati solo per l'azione che scegli, e solo per il tempo necessario.",
        PRIVACY_PARAGRAPHS[
            0
        ]: "Quando firmi, scrivi una lettera o fai una donazione, registriamo il tuo nome, "
        "il tuo indirizzo email e il testo esatto del consenso che hai dato.",
        PRIVACY_PARAGRAPHS[
            1
        ]: "Il tuo indirizzo IP non viene mai conservato in chiaro. Puoi chiedere in qualsiasi momento la cancellazione dei tuoi dati.",
        NEWS_TITLE: "Attualità",
        "actualites": "attualita",
        JOIN_PAGE["title"]: "Unisciti a noi",
        JOIN_PAGE["slug"]: "unisciti-a-noi",
        JOIN_PAGE[
            "intro"
        ]: "La nostra sezione è un movimento di volontari che difendono i diritti sanciti dalle "
        "convenzioni internazionali. Unisciti a un gruppo locale o agisci come membro individuale.",
        "confidentialite": "privacy",
        RELEASE["slug"]: "bielorussia-52-liberazioni",
        NEWS_INTRO: "Comunicati stampa e notizie dalle nostre campagne.",
        RELEASE["title"]: "Bielorussia: 52 liberazioni benvenute, ma la repressione continua",
        RELEASE[
            "summary"
        ]: "Il 1° settembre 2025 sono state liberate 52 persone detenute per motivi politici. "
        "Più di mille altre restano dietro le sbarre.",
        RELEASE["paragraphs"][0]: "Tra le persone liberate ci sono giornalisti, sindacalisti e attiviste. "
        "Queste liberazioni, ottenute grazie a un accordo tra il presidente bielorusso e quello statunitense, "
        "sono un sollievo per le loro famiglie.",
        RELEASE["paragraphs"][1]: "Non cambiano il clima di paura: chi critica il potere rischia ancora "
        "l'arresto, la tortura e processi iniqui.",
        RELEASE["paragraphs"][2]: "L'oppositore Mikalai Statkevich è stato portato al confine lituano con le "
        "altre persone liberate; ha rifiutato l'esilio e da allora non si hanno sue notizie.",
        RELEASE["quote"]: "Solo la liberazione immediata e incondizionata di tutte le persone detenute per "
        "le loro opinioni può porre fine a questa crisi.",
        "Spécialiste du Bélarus": "Esperta di Bielorussia",
        PRESS_LINK: "Comunicati stampa",
    },
}


def _publish(page):
    page.save_revision().publish()
    return page


def _child(parent, model, slug, **fields):
    """Create or update the child page `slug` of `parent` and publish it."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, locale=parent.locale, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    return _publish(page)


def _join_page(home):
    """The section's "join us" page: the membership app's join page (its demo runs first), else a text page."""
    page = home.get_children().filter(slug=JOIN_PAGE["slug"]).specific().first()
    if page is not None and not isinstance(page, StandardPage):
        return page
    return _child(home, StandardPage, JOIN_PAGE["slug"], title=JOIN_PAGE["title"], intro=JOIN_PAGE["intro"])


def _featured_actions(home):
    """Live action pages (petitions, letters, donations) directly under the home page (not the join page)."""
    return [
        page
        for page in home.get_children().live().specific()
        if page._meta.app_label not in ("home", "prisoners", "membership")
    ]


def _show_in_menus(page):
    """Tick "Show in menus" on the page and on each of its translations (a field they share)."""
    for translation in page.get_translations(inclusive=True).specific():
        if translation.show_in_menus:
            continue
        translation.show_in_menus = True
        revision = translation.save_revision()
        if translation.live:
            revision.publish()


def _menus(home, news_index, join):
    """The main menu: the prisoner index, the donation page, the news and "join us" (each language
    follows); the footer: join us, the press releases, the donation page."""
    main = [
        page
        for page in home.get_children().specific()
        if page._meta.app_label in ("prisoners", "donations") or page.pk in (news_index.pk, join.pk)
    ]
    for page in main:
        _show_in_menus(page)
    donations = [page for page in main if page._meta.app_label == "donations"]
    links = [(join, ""), (news_index, PRESS_LINK)] + [(page, "") for page in donations]
    return [("link", {"page": page, "url": "", "text": text}) for page, text in links]


def load(sections):
    for code, section in sections.items():
        home = HomePage.objects.get(pk=section.home.pk)
        banner = demo_image(f"Bannière {section.settings.name}", section.settings.accent_colour)
        news_index = _child(home, NewsIndexPage, "actualites", title=NEWS_TITLE, intro=NEWS_INTRO)
        privacy = _child(
            home,
            StandardPage,
            "confidentialite",
            title=PRIVACY_TITLE,
            intro=PRIVACY_INTRO,
            body=[("paragraph", f"<p>{text}</p>") for text in PRIVACY_PARAGRAPHS],
        )
        join = _join_page(home)
        release = _child(
            news_index,
            NewsPage,
            RELEASE["slug"],
            title=RELEASE["title"],
            kind=NewsPage.Kind.PRESS_RELEASE,
            date=RELEASE["date"],
            summary=RELEASE["summary"],
            body=[("paragraph", f"<p>{text}</p>") for text in RELEASE["paragraphs"]]
            + [("quote", {"quote": RELEASE["quote"], "attribution": "Spécialiste du Bélarus"})],
        )
        if code == "fr":
            _child(
                news_index,
                NewsPage,
                STATKEVICH["slug"],
                title=STATKEVICH["title"],
                kind=NewsPage.Kind.PRESS_RELEASE,
                date=STATKEVICH["date"],
                summary=STATKEVICH["summary"],
            )
        home.intro = INTRO
        home.body = [
            (
                "hero",
                {
                    "heading": HERO["heading"],
                    "text": HERO["text"],
                    "image": banner,
                    "page": news_index,
                    "link_text": HERO["link_text"],
                },
            ),
            ("featured_actions", {"heading": FEATURED_HEADING, "pages": _featured_actions(home)}),
            (
                "impact_figures",
                {
                    "heading": FIGURES_HEADING,
                    "figures": [
                        {"figure": figure, "count_actions": live, "label": label}
                        for figure, live, label in FIGURES
                    ]
                    + [{"figure": "", "live_figure": name, "label": label} for name, label in LIVE_FIGURES],
                },
            ),
            (
                "call_to_action",
                {
                    "heading": JOIN["heading"],
                    "text": JOIN["text"],
                    "page": join,
                    "link_text": JOIN["link_text"],
                },
            ),
        ]
        home.footer_links = _menus(home, news_index, join)
        _publish(home)
        section.settings.privacy_page = privacy
        section.settings.save()
        for language in section.languages[1:]:
            strings = SWISS[language]
            # A join page of the membership app is translated by that app's demo.
            own = [join] if isinstance(join, StandardPage) else []
            for page in (home, news_index, privacy, *own, release):
                translate(Page.objects.get(pk=page.pk).specific, language, strings)
