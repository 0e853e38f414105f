"""Partner sites embed a petition or a letter-writing action: who may frame them, the snippet staff copy.

A partner pastes a snippet (`snippet`): an <iframe> of `<action URL>embed/?partner=<its origin>`
and our small script (static `petitions/embed.js`) that resizes the frame to its content. The frame
is our own page, in the URL's language: the same form, proof of work, rate limits, consent ledger and
double opt-in as the action's page, and the same count. Each action's `embed…` routes pass their view
to `embedded`; letters.views carries the "I have sent my letter" step without a session. What differs:

- `?partner=` must be one of the section's partner sites (*Settings → Section*, `partner_sites`),
  else a 400 page says why (a malformed address, or a site not listed);
- the response lets that partner, and only it, frame it (`frame-ancestors`, plaidoyer.csp.framed_by):
  a page naming itself another listed partner is refused by the browser, so the partner a signature
  records is the site it was signed on;
- the signature or letter records the partner's origin (`partner`), nothing about the visitor.

The form inside the frame posts to the frame's own URL. The frame is our document, so the browser
sends our Origin and the page view's origin check (plaidoyer.csrf) passes; no CSRF token or cookie is
needed, which matters because browsers withhold cookies from third-party frames.
"""

from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext as _

from plaidoyer.csp import framed_by
from sections.languages import language_name
from sections.models import SectionSettings
from sections.partner_sites import normalize_origin

PARTNER_PARAMETER = "partner"
SCRIPT = "petitions/embed.js"


def embedded(request, page, respond):
    """`respond(partner)` for a listed partner, framable by it; a readable 400 page for anything else."""
    section = SectionSettings.for_request(request)
    given = request.GET.get(PARTNER_PARAMETER, "")
    partner = normalize_origin(given)
    if partner is None:
        return refused(request, page, _("The address of the partner site in this embed is not valid."))
    if partner not in section.partner_origins:
        return refused(
            request,
            page,
            _("%(site)s is not among the sites allowed to show this section's actions.") % {"site": partner},
        )
    request.embed_partner = partner
    return framed_by(respond(partner), [partner])


def refused(request, page, reason):
    """The page that says why this embed is not shown (opened directly; no other site may frame it)."""
    return render(request, "petitions/embed_refused.html", {"page": page, "reason": reason}, status=400)


def embed_url(page, request, partner, route="embed"):
    """The frame's address for `partner`: the page's route, with the partner's origin as its one parameter."""
    return page.get_url(request) + page.reverse_subpage(route) + "?" + urlencode({PARTNER_PARAMETER: partner})


def script_url(site):
    """The resize script at a stable address (not the hashed one of `{% static %}`), which partners keep."""
    return urljoin(site.root_url + "/", urljoin(settings.STATIC_URL, SCRIPT))


def snippet(page, partner):
    """What a partner pastes into its page to show `page` (one language version) in a frame."""
    site = page.get_site()
    src = page.get_full_url() + page.reverse_subpage("embed") + "?" + urlencode({PARTNER_PARAMETER: partner})
    return format_html(
        '<iframe src="{}" title="{}" data-plaidoyer-embed width="100%" height="900" '
        'style="border:0;max-width:42rem"></iframe>\n<script src="{}" async></script>',
        src,
        page.title,
        script_url(site),
    )


def partner_counts(actions):
    """{partner origin: rows} of `actions` (signatures, letters) made through an embed."""
    return dict(
        actions.exclude(partner="").values_list("partner").annotate(n=Count("pk")).order_by("partner")
    )


def partners_page(request, page, counted, pending, labels):
    """The staff page of an action's snippets, per listed partner and language, and what each partner brought.

    `counted` and `pending` are the action's rows (signatures confirmed and not yet, letters sent and
    not yet) in its section; `labels` names their columns and says what the frame does (`intro`). The
    counts name partner sites, never a visitor.
    """
    site = page.get_site()
    versions = [
        version
        for version in page.specific_class.objects.live()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
        .order_by("path")
        if version.get_site() == site
    ]
    counted, pending = partner_counts(counted), partner_counts(pending)
    partners = [
        {
            "origin": origin,
            "counted": counted.pop(origin, 0),
            "pending": pending.pop(origin, 0),
            "snippets": [
                {"language": language_name(version.locale.language_code), "code": snippet(version, origin)}
                for version in versions
            ],
        }
        for origin in SectionSettings.for_site(site).partner_origins
    ]
    # Partners taken off the list keep what they brought.
    former = [
        {"origin": origin, "counted": count, "pending": pending.pop(origin, 0)}
        for origin, count in counted.items()
    ] + [{"origin": origin, "counted": 0, "pending": count} for origin, count in pending.items()]
    return render(
        request,
        "petitions/admin/embed_partners.html",
        {"page": page, "labels": labels, "partners": partners, "former": former},
    )
