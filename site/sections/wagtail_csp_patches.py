"""Wagtail 8.0's admin without inline scripts, so that its Content-Security-Policy needs no 'unsafe-inline' for scripts.

Wagtail starts some of its widgets with an inline <script> next to them: the choosers (page, image,
document, snippet, task), the date and time pickers and InlinePanel (wagtail#12940, wagtail#12406,
wagtail#7915). Here each writes instead an inert element that names what to start and with which
arguments (JSON), and static/sections/wagtail_csp.js starts it, on load and whenever Wagtail
inserts such an element later (an InlinePanel child, a dialog, a chooser's modal). The templates of
the same names under templates/wagtailadmin/ and templates/wagtail_localize/ do the same.

Delete this module, those templates and the script when Wagtail writes no inline script any more:
`upstream_still_inline()` says so (the check `sections.W001` warns once it is False).
"""

import json
from pathlib import Path

from django.core import checks
from django.forms.utils import flatatt
from django.utils.html import format_html
from wagtail.admin.widgets import chooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

_original_render = chooser.BaseChooser.render


def init_element(name, construct, id_=None, options=None):
    """The inert element that wagtail_csp.js turns into `new name(id_, options)` (or `name(id_, options)`)."""
    attrs = {"data-wagtail-csp-init": name, "data-wagtail-csp-new": "true" if construct else "false"}
    if id_ is not None:
        attrs["data-wagtail-csp-id"] = id_
    if options is not None:
        attrs["data-wagtail-csp-options"] = json.dumps(options)
    return format_html("<span hidden{}></span>", flatatt(attrs))


def render(self, name, value, attrs=None, renderer=None):
    if type(self).render_js_init is not chooser.BaseChooser.render_js_init and not isinstance(
        self, AdminTaskChooser
    ):
        return _original_render(self, name, value, attrs, renderer)  # an initialiser we do not know
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    if isinstance(self, AdminTaskChooser):
        start = init_element("createTaskChooser", construct=False, id_=id_)
    else:
        options = self.get_js_init_options(id_, name, value_data)
        start = init_element(self.js_constructor, construct=True, id_=id_, options=options)
    return format_html("{}{}", widget_html, start)


def apply():
    chooser.BaseChooser.render = render


def upstream_still_inline():
    """True while Wagtail's own widget templates still start their widgets with an inline script."""
    templates = Path(chooser.__file__).resolve().parent.parent / "templates" / "wagtailadmin"
    return (
        any(
            "<script>" in (templates / name).read_text()
            for name in ("widgets/date_input.html", "widgets/datetime_input.html", "panels/inline_panel.html")
        )
        and "<script>{js}</script>" in Path(chooser.__file__).read_text()
    )


@checks.register()
def check_upstream(app_configs, **kwargs):
    if upstream_still_inline():
        return []
    return [
        checks.Warning(
            "Wagtail no longer starts its widgets with inline scripts: sections/wagtail_csp_patches.py, its "
            "templates and static/sections/wagtail_csp.js may go.",
            id="sections.W001",
        )
    ]
