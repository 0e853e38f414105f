"""The header's main menu and the footer menu of the request's section, in its language."""

from django import template

from home.navigation import footer_menu, main_menu

register = template.Library()

MENUS = {"main": main_menu, "footer": footer_menu}


@register.simple_tag(takes_context=True)
def menu_links(context, kind):
    """[{"text", "url", "current"}] of the `kind` ("main" or "footer") menu; [] outside a section."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    return [
        {"text": link.text, "url": link.url, "current": link.is_current_for(page)}
        for link in MENUS[kind](request)
    ]
