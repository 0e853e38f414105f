"""Admin viewsets whose rows belong to a section: staff list, inspect, edit and export only their own."""

from django.template.response import TemplateResponse
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .permissions import filter_for_user
from .spreadsheets import SafeSpreadsheetExportMixin


class OutsideUserSections(Exception):
    """The row belongs to a section the user is not staff of."""


def not_found(request):
    """A plain 404: another section's row is answered as if it did not exist (its id reveals nothing).

    Raising PermissionDenied would not do: Wagtail's admin turns it into a redirect to the dashboard.
    """
    return TemplateResponse(request, "404.html", status=404)


class SectionScopedViewMixin:
    section_field = "site"

    def setup(self, request, *args, **kwargs):
        # Views such as inspect and edit fetch their object in setup(), before dispatch().
        self.outside_user_sections = False
        try:
            super().setup(request, *args, **kwargs)
        except OutsideUserSections:
            self.outside_user_sections = True

    def dispatch(self, request, *args, **kwargs):
        if self.outside_user_sections:
            return not_found(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except OutsideUserSections:
            return not_found(request)

    def get_base_queryset(self):
        return filter_for_user(super().get_base_queryset(), self.request.user, self.section_field)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        visible = filter_for_user(
            type(obj)._default_manager.filter(pk=obj.pk), self.request.user, self.section_field
        )
        if not visible.exists():
            raise OutsideUserSections
        return obj


def _scoped(view_class, name):
    bases = (SectionScopedViewMixin,)
    if name == "index_view_class" and not issubclass(view_class, SafeSpreadsheetExportMixin):
        # Exports of section-scoped rows are supporters' data: no cell may run as a formula.
        bases += (SafeSpreadsheetExportMixin,)
    return type(f"SectionScoped{view_class.__name__}", (*bases, view_class), {})


class SectionScopedViewSetMixin:
    """Wraps every generic view of a (Model|Snippet)ViewSet so it sees only the user's sections."""

    section_field = "site"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "index_view_class",
            "inspect_view_class",
            "edit_view_class",
            "delete_view_class",
            "history_view_class",
            "usage_view_class",
            "copy_view_class",
        ):
            view_class = getattr(self, name, None)
            if view_class is not None and not issubclass(view_class, SectionScopedViewMixin):
                setattr(self, name, _scoped(view_class, name))

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(section_field=self.section_field, **kwargs)


class SectionScopedModelViewSet(SectionScopedViewSetMixin, ModelViewSet):
    pass


class SectionScopedSnippetViewSet(SectionScopedViewSetMixin, SnippetViewSet):
    pass
