"""Admin for prisoner records and themes (translated with wagtail-localize) and the dashboard warning."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import PrisonerRecord, Theme
from .panels import ReleasedPeopleActionsPanel


class PrisonerRecordViewSet(SnippetViewSet):
    model = PrisonerRecord
    icon = "user"
    menu_label = _("Records")
    list_display = ["full_name", "status", "country", UpdatedAtColumn()]
    list_filter = {"status": ["exact"], "country": ["icontains"], "themes": ["exact"]}
    list_per_page = 50


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug"]


class PrisonersViewSetGroup(SnippetViewSetGroup):
    items = (PrisonerRecordViewSet, ThemeViewSet)
    menu_icon = "user"
    menu_label = _("Prisoners")
    menu_name = "prisoners"


register_snippet(PrisonersViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def share_record_themes(request, instance):
    # Themes are a many-to-many field, saved after save(): copy them to the translations here.
    if isinstance(instance, PrisonerRecord):
        instance.share_themes()


@hooks.register("construct_homepage_panels")
def add_released_people_panel(request, panels):
    panel = ReleasedPeopleActionsPanel(request.user)
    if panel.warnings:
        panels.append(panel)
