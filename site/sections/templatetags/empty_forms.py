"""An empty form's HTML, kept with the content: `{% cached_empty_form form page.pk %}…{% endcached_empty_form %}`.

An action page's form (a letter, a membership) is the same for every visitor of the page in one
language until an editor changes the page or the section's settings: its labels, choices, initial
values and consent wording come from the content; its spam protection fetches its challenge
separately (`/altcha/challenge/`); no CSRF token is in it (`plaidoyer.csrf`). Yet Django renders it
widget by widget through the form renderer's templates, a third of the time of a letter action or
join page built for a visitor the page cache missed (bench/pages.py, uncached).

So the tag renders what it encloses once per content generation and keeps the HTML with the content
(`sections.content_cache.cached`), keyed by the form's class and prefix, the active language, the
form's initial values and the values given after the form (for example the page). Django's own
`{% cache %}` tag would keep it for a fixed time instead, across an editor's changes.

A form that is bound (a visitor's submission, with their input and errors) and every preview are
rendered as they are, never kept.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from sections.content_cache import cached

register = template.Library()


class CachedEmptyFormNode(template.Node):
    def __init__(self, nodelist, form, vary_on):
        self.nodelist, self.form, self.vary_on = nodelist, form, vary_on

    def render(self, context):
        form = self.form.resolve(context)
        request = context.get("request")
        if form is None or form == "" or form.is_bound or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        initial = repr(sorted((name, str(value)) for name, value in form.initial.items()))
        key = (
            "empty-form",
            f"{type(form).__module__}.{type(form).__qualname__}",
            form.prefix,
            get_language(),
            hashlib.sha256(initial.encode()).hexdigest()[:16],
            *(str(variable.resolve(context)) for variable in self.vary_on),
        )
        return mark_safe(cached(key, lambda: str(self.nodelist.render(context))))


@register.tag
def cached_empty_form(parser, token):
    """{% cached_empty_form form [value …] %} … {% endcached_empty_form %}"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes the form, then the values the HTML varies with"
        )
    nodelist = parser.parse(("endcached_empty_form",))
    parser.delete_first_token()
    return CachedEmptyFormNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
