"""Admin viewsets whose rows belong to a section: staff list, inspect, edit and export only their own."""

import datetime
from inspect import getattr_static

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import SnippetViewSet

from supporters.encryption import EncryptedMixin, email_hash
from supporters.erasure import actions_of, erase_supporter

from .audit import log_erasure, log_export, log_inspect
from .models import SectionSettings
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
    """Any view of a row (inspect, edit, delete, history, usage, ...) answers 404 for another section's."""

    section_field = "site"
    # A function (queryset, user) -> the rows the user may see; by default those of the sections
    # whose supporters' data they may see (SectionStaffGroup).
    rows_for_user = None

    def visible_rows(self, queryset, user):
        if self.rows_for_user is not None:
            return self.rows_for_user(queryset, user)
        return filter_for_user(queryset, user, self.section_field)

    def setup(self, request, *args, **kwargs):
        # Checked before anything else, permissions included: another section's row (or none) is a
        # 404 in every view, whatever the user may do with rows and however the view fetches its own.
        self.outside_user_sections = "pk" in kwargs and not self.row_is_visible(request.user, kwargs["pk"])
        if self.outside_user_sections:
            View.setup(self, request, *args, **kwargs)
        else:
            super().setup(request, *args, **kwargs)

    def row_is_visible(self, user, quoted_pk):
        rows = self.visible_rows(self.model._default_manager.all(), user)
        try:
            return rows.filter(pk=unquote(str(quoted_pk))).exists()
        except (ValueError, ValidationError):
            return False

    def dispatch(self, request, *args, **kwargs):
        if self.outside_user_sections:
            return not_found(request)
        return super().dispatch(request, *args, **kwargs)


class SectionScopedIndexMixin(SafeSpreadsheetExportMixin):
    """The list, its search, filters and exports hold only the user's sections' rows; exports of
    supporters' data never have a cell that runs as a formula."""

    def get_base_queryset(self):
        return self.visible_rows(super().get_base_queryset(), self.request.user)

    @cached_property
    def columns(self):
        """Columns of encrypted fields cannot be sorted: their stored tokens are in no order of the names.

        Without a sort key the header is no link, and Wagtail ignores an `?ordering=` by it.
        """
        columns = super().columns
        for column in columns:
            # In place: a column's header component renders the column object it was built with.
            if column.sort_key and is_encrypted(self.model, column.sort_key.lstrip("-")):
                column.sort_key = None
        return columns

    def search_queryset(self, queryset):
        """Personal fields are stored encrypted (supporters.encryption): no text search can reach them.

        The search finds a row by its supporter's exact email (any case, dots or plus tag, as the
        canonical email dedupes), through the keyed hash each section keeps, and by the view's other
        search fields (e.g. a designation) as Wagtail would.
        """
        if not self.is_searching:
            return queryset
        query = Q()
        for name in self.search_fields or []:
            if not isinstance(field_at(queryset.model, name), EncryptedMixin):
                query |= Q(**{f"{name}__icontains": self.search_query})
        if "@" in self.search_query and has_field(queryset.model, "supporter"):
            for site_id in SectionSettings.objects.values_list("site_id", flat=True):
                query |= Q(
                    **{
                        f"{self.section_field}_id": site_id,
                        "supporter__email_hash": email_hash(site_id, self.search_query),
                    }
                )
        # Nothing to look in (a name, say): nothing found, rather than every row.
        return queryset.filter(query) if query else queryset.none()

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            # The audit log names what was searched, not whom: a searched address stays out of it.
            filters = {
                key: "(email address)" if key == self.search_kwarg and "@" in value else value
                for key, value in self.request.GET.items()
                if key != "export"
            }
            export_format = self.request.GET.get("export")
            log_export(self.request.user, context["object_list"], export_format, filters, self.section_field)
        return super().render_to_response(context, **response_kwargs)


def has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def is_encrypted(model, path):
    try:
        return isinstance(field_at(model, path), EncryptedMixin)
    except FieldDoesNotExist:
        return False


def field_at(model, path):
    """The model field a lookup path such as "supporter__email" ends on."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


class AuditedInspectMixin:
    """Opening a supporter's row is written in the audit log (sections.audit)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_inspect(request.user, self.object, self.section_field)
        return response


class LocalTimesInspectMixin:
    """Times in the section's time zone, as the lists show them: Wagtail's inspect view prints a
    datetime through `localize` alone, which keeps it in UTC."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value


def _scoped(view_class, name):
    bases = (SectionScopedViewMixin,)
    if name == "index_view_class":
        bases += (SectionScopedIndexMixin,)
    if name == "inspect_view_class":
        bases += (AuditedInspectMixin, LocalTimesInspectMixin)
    return type(f"SectionScoped{view_class.__name__}", (*bases, view_class), {})


class SectionScopedViewSetMixin:
    """Wraps every generic view of a (Model|Snippet)ViewSet so it sees only the user's sections."""

    section_field = "site"
    rows_for_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in dir(type(self)):
            # Views built from others (a property, e.g. a snippet's revert view) inherit their scoping.
            if not name.endswith("_view_class") or isinstance(getattr_static(self, name), property):
                continue
            view_class = getattr(self, name)
            if isinstance(view_class, type) and not issubclass(view_class, SectionScopedViewMixin):
                setattr(self, name, _scoped(view_class, name))

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            section_field=self.section_field, rows_for_user=self.rows_for_user, **kwargs
        )


class SectionScopedModelViewSet(SectionScopedViewSetMixin, ModelViewSet):
    pass


class SectionScopedSnippetViewSet(SectionScopedViewSetMixin, SnippetViewSet):
    pass


ERASE_PERMISSION = "supporters.erase_supporter"


class EraseSupporterView(SectionScopedViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Erase the personal data of the supporter behind one row (a signature, letter, message or
    donation): a page that says what will go, then one button; only its POST erases.

    Their rows in every action of the section are blanked (counts and accounts stay) and the erasure
    is written in the audit log, without their name. Section staff who may erase (data officers)
    reach it from the row's inspect view; another section's row is a 404, as everywhere.
    """

    template_name = "sections/admin/erase_supporter.html"
    page_title = _("Erase a supporter's personal data")
    header_icon = "bin"
    model = None
    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.outside_user_sections and not request.user.has_perm(ERASE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def row(self):
        return get_object_or_404(
            self.model._default_manager.select_related("supporter"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        supporter = self.row.supporter
        actions = [
            {"label": model._meta.verbose_name_plural, "count": count}
            for model, count in actions_of(supporter).items()
        ]
        return super().get_context_data(
            supporter=supporter,
            actions=actions,
            cancel_url=reverse(self.inspect_url_name, args=[quote(self.row.pk)]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        supporter = self.row.supporter
        # None: erased meanwhile (a double click, another officer, the person themselves).
        rows = None if supporter.erased_at else erase_supporter(supporter)
        if rows is None:
            messages.warning(request, _("This supporter's personal data was already erased."))
        else:
            log_erasure(request.user, supporter, rows)
            messages.success(
                request,
                _("The supporter's personal data is erased (rows blanked: %(rows)s); the counts stay.")
                % {"rows": rows},
            )
        return redirect(self.index_url_name)


class SupporterErasureViewSetMixin:
    """Adds the erase view to a viewset of supporters' rows, and its button to the inspect view."""

    erase_view_class = EraseSupporterView

    @property
    def erase_view(self):
        return self.erase_view_class.as_view(
            model=self.model,
            section_field=self.section_field,
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"erase/<{self.pk_path_converter}:pk>/", self.erase_view, name="erase"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        erase_url_name = self.get_url_name("erase")
        inspect_view_class = self.inspect_view_class

        class InspectWithErasure(inspect_view_class):
            @cached_property
            def header_buttons(self):
                buttons = list(super().header_buttons)
                supporter = self.object.supporter
                if self.request.user.has_perm(ERASE_PERMISSION) and supporter and not supporter.erased_at:
                    url = reverse(erase_url_name, args=[quote(self.object.pk)])
                    buttons.append(HeaderButton(_("Erase this supporter's data"), url=url, icon_name="bin"))
                return buttons

        InspectWithErasure.__name__ = f"{inspect_view_class.__name__}WithErasure"
        self.inspect_view_class = InspectWithErasure


class SectionScopedRecordViewSet(SectionScopedModelViewSet):
    """Records of what supporters did (signatures, letters, messages): staff list, export and inspect
    them; nobody adds, edits or deletes one, so those URLs (and their history and usage) do not exist."""

    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{self.pk_path_converter}:pk>/", self.inspect_view, name="inspect"),
        ]
