"""Admin hooks of the site layer: "New section" and "Locked sign-ins" for superusers, "Data access" for data
officers, "Translation status" for the people who work on a section's pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import DataAccessView, LockedSignInsView, NewSectionView, TranslationStatusView
from .audit import ACTIONS
from .permissions import sections_of_page_staff, sites_for_user


@hooks.register("register_admin_urls")
def register_new_section_url():
    return [
        path("sections/new/", NewSectionView.as_view(), name="sections_new"),
        path("locked-sign-ins/", LockedSignInsView.as_view(), name="sections_locked_sign_ins"),
        path("data-access/", DataAccessView.as_view(), name="sections_data_access"),
        path("translation-status/", TranslationStatusView.as_view(), name="sections_translation_status"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_new_section_menu_item():
    return SuperuserMenuItem(_("New section"), reverse("sections_new"), icon_name="site", order=150)


@hooks.register("register_settings_menu_item")
def register_locked_sign_ins_menu_item():
    return SuperuserMenuItem(
        _("Locked sign-ins"), reverse("sections_locked_sign_ins"), icon_name="lock", order=160
    )


@hooks.register("register_log_actions")
def register_data_access_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


class SectionStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return sites_for_user(request.user).exists()


@hooks.register("register_reports_menu_item")
def register_data_access_menu_item():
    return SectionStaffMenuItem(
        _("Data access"), reverse("sections_data_access"), icon_name="history", order=900
    )


class PageStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return sections_of_page_staff(request.user).exists()


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return PageStaffMenuItem(
        _("Translation status"), reverse("sections_translation_status"), icon_name="site", order=910
    )


@hooks.register("construct_reports_menu")
def keep_the_all_sections_translations_report_for_superusers(request, menu_items):
    # wagtail-localize's Translations report lists the translations of every section; section staff
    # read their own sections' in "Translation status" instead.
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "translations"]
