"""The Content-Security-Policy of every response but a redirect (django-csp), and the places that add a host to it.

The policy itself is settings.CONTENT_SECURITY_POLICY: only this site's own files, no inline script
or style, no frames, nobody may frame a page. Four kinds of response get more, each here and only here:

- the donation page: Stripe.js, its frames and its API (`allow_stripe`, called where the page renders);
- the pages of a section that chose reCAPTCHA instead of the default proof of work: Google's reCAPTCHA
  script and frame (`SectionPolicyMiddleware`);
- the Wagtail admin (ADMIN_PREFIXES), once signed in: page previews are a same-origin iframe of the editor,
  so the admin may frame itself; its rich text editor writes inline styles. See ADMIN_POLICY;
- an action embedded on a partner site (petitions.embeds): that one listed partner may frame it
  (`framed_by`).
"""

from urllib.parse import urlsplit

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings

from .admin_host import ADMIN_PREFIXES

# Stripe's documented hosts: Stripe.js (and its versioned subdomains), the Card Element's and
# 3-D Secure's frames, and the API the Card Element talks to.
STRIPE_JS_HOSTS = ["https://js.stripe.com", "https://*.js.stripe.com"]
STRIPE_FRAME_HOSTS = [*STRIPE_JS_HOSTS, "https://hooks.stripe.com"]
STRIPE_API_HOSTS = ["https://api.stripe.com"]
# Where a redirect payment (TWINT) sends the donor: a form posted without script is redirected there.
STRIPE_REDIRECT_HOSTS = ["https://pm-redirects.stripe.com"]

# Google's documented hosts for reCAPTCHA (v2 checkbox and v3): its script, and its frame.
RECAPTCHA_SCRIPT_HOSTS = ["https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"]
RECAPTCHA_FRAME_HOSTS = ["https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"]

# The admin's additions to the public policy, for signed-in staff (its sign-in page is as strict as the
# public pages, and it has no more script sources than they do: sections/wagtail_csp_patches.py starts
# Wagtail's widgets without inline scripts).
ADMIN_POLICY = {
    # Wagtail 8.0's rich text editor (Draftail) writes <style> elements for its placeholders and list
    # depths, and its widgets set style attributes from HTML strings (wagtail#1288, wagtail#7053); styles
    # cannot run code, and the admin has its own host (ADMIN_HOST), apart from the public pages.
    "style-src": ["'unsafe-inline'"],
    # Wagtail's live preview shows the page in an iframe of the editor, from the admin's own host.
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
    # Image uploads are previewed from blob: URLs before they are sent, and Wagtail's widgets and
    # stylesheets draw small icons as data: images (wagtail#12368).
    "img-src": ["data:", "blob:"],
}


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def add_sources(response, directives):
    """Adds `directives` to this response's policy, as django-csp's `csp_update` decorator does."""
    update = dict(getattr(response, "_csp_update", None) or {})
    for directive, sources in directives.items():
        update[directive] = [*update.get(directive, []), *sources]
    response._csp_update = update
    return response


def framed_by(response, origins):
    """Lets exactly `origins` frame this response, in place of the public 'none'.

    Django's X-Frame-Options (SAMEORIGIN) would still refuse any other site, and browsers apply both:
    this response is exempt from it, as Django's `xframe_options_exempt` decorator marks a view's.
    """
    response._csp_replace = {
        **(getattr(response, "_csp_replace", None) or {}),
        "frame-ancestors": list(origins),
    }
    response.xframe_options_exempt = True
    return response


def allow_stripe(response, redirects=False):
    """The donation page loads Stripe.js, which draws the card field in Stripe's frames and calls Stripe's API.

    Where Stripe.js comes from another place (the local fake, STRIPE_JS_URL), that place stands for
    all three. With `redirects` (a section that takes TWINT), its form may also be redirected to Stripe.
    """
    if urlsplit(settings.STRIPE_JS_URL).hostname == "js.stripe.com":
        directives = {
            "script-src": STRIPE_JS_HOSTS,
            "frame-src": STRIPE_FRAME_HOSTS,
            "connect-src": STRIPE_API_HOSTS,
        }
        if redirects:
            directives["form-action"] = STRIPE_REDIRECT_HOSTS
    else:
        fake = [origin(settings.STRIPE_JS_URL)]
        directives = {"script-src": fake, "frame-src": fake, "connect-src": fake}
    return add_sources(response, directives)


def is_admin(request):
    """An admin page of a signed-in staff member, or a page previewed in the editor.

    Wagtail renders a preview through the whole middleware chain with a request of the page's own
    path, marked `is_preview`; the editor shows it in its iframe, so it takes the admin's policy.
    """
    if getattr(request, "is_preview", False):
        return True
    user = getattr(request, "user", None)
    return request.path_info.startswith(ADMIN_PREFIXES) and bool(user and user.is_authenticated)


# Responses that send the browser elsewhere: it shows none of them, and applies the policy of the page it
# lands on (the Fetch standard takes a document's policy from its final response), so they carry none.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class SectionPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on admin URLs and reCAPTCHA where a section chose it.

    A redirect gets no policy (REDIRECT_STATUSES): a signing answers with one, and building the two
    policies for it cost about 4% of a signing's CPU (0.25 of 6.6 ms, bench/signing_profile.py --parts).
    """

    def process_response(self, request, response):
        if response.status_code in REDIRECT_STATUSES:
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        extra = ADMIN_POLICY if is_admin(request) else recaptcha_sources(request, response)
        for directive, sources in extra.items():
            update[directive] = [*update.get(directive, []), *sources]
        if is_admin(request):
            # The admin's frame-ancestors replaces the public 'none' rather than adding to it.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": update.pop("frame-ancestors")}
        parts.update = update
        return parts


def recaptcha_sources(request, response):
    """Google's reCAPTCHA hosts on the pages of a section whose forms use it; nothing for any other."""
    from wagtail.models import Site

    from sections.models import CaptchaMode, SectionSettings
    from supporters.captcha import captcha_keys

    if not response.get("Content-Type", "").startswith("text/html") or not Site.find_for_request(request):
        return {}
    section = SectionSettings.for_request(request)
    if section.captcha_mode in (CaptchaMode.V2, CaptchaMode.V3) and all(captcha_keys(section)):
        return {"script-src": RECAPTCHA_SCRIPT_HOSTS, "frame-src": RECAPTCHA_FRAME_HOSTS}
    return {}
