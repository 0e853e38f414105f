"""Admin views: the section's local groups (editors), and its members (data officers, group coordinators)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.models import Site
from wagtail.permission_policies import ModelPermissionPolicy

from sections.models import SectionSettings
from sections.permissions import sites_for_user
from sections.roles import ROLES, group_name, sites_with_roles
from sections.viewsets import (
    SectionScopedRecordViewSet,
    SectionScopedSnippetViewSet,
    SupporterErasureViewSetMixin,
)
from supporters.models import ConsentRecord

from .models import LocalGroup, Membership, MembershipState, Way

PAGE_STAFF = {"editor", "moderator", "translator"}
COORDINATOR = next(role for role in ROLES if role.slug == "coordinator")


# --- Local groups ---------------------------------------------------------------


def groups_for_user(queryset, user):
    """The groups of the sections whose pages the user works on."""
    if user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(site_id__in=sites_with_roles(user, PAGE_STAFF))


class LocalGroupForm(WagtailAdminModelForm):
    """Only the user's own sections, and only those sections' group coordinators, can be chosen."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None or for_user.is_superuser:
            return
        site_ids = sites_with_roles(for_user, PAGE_STAFF)
        if "site" in self.fields:
            self.fields["site"].queryset = Site.objects.filter(pk__in=site_ids)
        if "coordinators" in self.fields:
            codes = SectionSettings.objects.filter(site_id__in=site_ids).values_list("code", flat=True)
            names = [group_name(code, COORDINATOR) for code in codes]
            users = self.fields["coordinators"].queryset.filter(groups__name__in=names).distinct()
            self.fields["coordinators"].queryset = users


class LocalGroupViewSet(SectionScopedSnippetViewSet):
    model = LocalGroup
    icon = "group"
    menu_label = _("Local groups")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["name", "town", "is_open", "locale"]
    list_filter = ["locale", "is_open"]
    search_fields = ["name", "town"]
    rows_for_user = staticmethod(groups_for_user)
    edit_handler = ObjectList(LocalGroup.panels, base_form_class=LocalGroupForm)


# --- Members --------------------------------------------------------------------


def memberships_for_user(queryset, user):
    """Data officers: every membership of their sections. Group coordinators: the confirmed members of
    the groups they coordinate (in any language) who agreed to share their contact details with them."""
    if user.is_active and user.is_superuser:
        return queryset
    coordinated = LocalGroup.objects.filter(
        coordinators=user, site_id__in=sites_with_roles(user, {COORDINATOR.slug})
    ).values("translation_key")
    return queryset.filter(
        Q(site__in=sites_for_user(user))
        | Q(
            group_key__in=coordinated,
            state=MembershipState.CONFIRMED,
            share_with_group=True,
            site_id__in=sites_with_roles(user, {COORDINATOR.slug}),
        )
    )


class MembershipPermissionPolicy(ModelPermissionPolicy):
    """Members are never added, edited or deleted in the admin: staff view and export them (erasure
    blanks a supporter's personal fields instead)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class MembershipFilterSet(WagtailFilterSet):
    way = django_filters.ChoiceFilter(label=_("Way of taking part"), choices=Way.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=MembershipState.choices)
    created_at = django_filters.DateFromToRangeFilter(label=_("Joined"), widget=DateRangePickerWidget)

    class Meta:
        model = Membership
        fields = ["way", "state", "created_at"]


class MembershipIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("supporter", "group")


EXTRA_LABELS = {"email": _("Email"), "consents": _("Consents")}


class MembershipInspectView(InspectView):
    def get_field_label(self, field_name, field):
        if field_name in EXTRA_LABELS:
            return EXTRA_LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_consents_display_value(self):
        records = ConsentRecord.objects.filter(action=f"membership.membership:{self.object.pk}").order_by(
            "purpose"
        )
        lines = [
            f"{record.get_purpose_display()}: {_('yes') if record.granted else _('no')} "
            f"({record.language}, v{record.wording_version}) “{record.wording}”"
            for record in records
        ]
        return "; ".join(lines) or "-"


class MembershipViewSet(SupporterErasureViewSetMixin, SectionScopedRecordViewSet):
    model = Membership
    icon = "group"
    menu_label = _("Members")
    menu_order = 270
    add_to_admin_menu = True
    section_field = "site"
    index_view_class = MembershipIndexView
    inspect_view_class = MembershipInspectView
    rows_for_user = staticmethod(memberships_for_user)
    filterset_class = MembershipFilterSet
    list_display = ["full_name", "email", "town", "way", "group", "state", "fee_paid_at", "created_at"]
    list_export = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "town",
        "age_bracket",
        "way",
        "group",
        "state",
        "language",
        "created_at",
        "confirmed_at",
        "fee_paid_at",
    ]
    export_filename = "members"
    # Personal fields are encrypted: the search finds a supporter by exact email (sections.viewsets).
    search_fields = ["supporter__email"]
    search_backend_name = None
    export_headings = EXTRA_LABELS
    inspect_view_fields = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "town",
        "age_bracket",
        "way",
        "group",
        "share_with_group",
        "newsletter",
        "state",
        "language",
        "created_at",
        "confirmed_at",
        "fee_paid_at",
        "consents",
    ]
    add_to_reference_index = False

    def get_permissions_to_register(self):
        # Staff groups get "view" only: add, change and delete do not apply.
        return super().get_permissions_to_register().filter(codename="view_membership")
