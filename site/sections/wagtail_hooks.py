"""Admin hooks of the site layer: "New section" and "Locked sign-ins" for superusers, "Data access" and "Data
retention" for data officers, "Translation status" for the people who work on a section's pages, "Section texts" for its
editors and translators."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

from .admin_views import (
    DataAccessView,
    LockedSignInsView,
    NewSectionView,
    RetentionView,
    TranslationStatusView,
)
from .audit import ACTIONS
from .languages import language_name
from .page_scope import only_the_users_sections_in_the_chooser
from .passkeys import admin_urls as passkey_admin_urls
from .permissions import sections_of_page_staff, sites_for_user
from .texts_admin import SectionTextsViewSet

register_snippet(SectionTextsViewSet)


@hooks.register("insert_global_admin_js")
def start_widgets_without_inline_scripts():
    """Starts the widgets that Wagtail would start with inline scripts (wagtail_csp_patches)."""
    return format_html('<script src="{}"></script>', static("sections/wagtail_csp.js"))


@hooks.register("register_admin_urls")
def register_passkey_urls():
    """Passkeys' sign-in and registration (django-otp-webauthn's JSON endpoints), renaming and removal."""
    return passkey_admin_urls


@hooks.register("register_admin_urls")
def register_new_section_url():
    return [
        path("sections/new/", NewSectionView.as_view(), name="sections_new"),
        path("locked-sign-ins/", LockedSignInsView.as_view(), name="sections_locked_sign_ins"),
        path("data-access/", DataAccessView.as_view(), name="sections_data_access"),
        path("data-retention/", RetentionView.as_view(), name="sections_data_retention"),
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


@hooks.register("register_reports_menu_item")
def register_data_retention_menu_item():
    return SectionStaffMenuItem(
        _("Data retention"), reverse("sections_data_retention"), icon_name="time", order=905
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


@hooks.register("before_delete_page")
def explain_removing_a_language_or_a_section(request, page):
    """A section's root page in its default language is the section itself: it cannot be deleted while
    the section's site exists. Deleting a root page in another language removes that language."""
    if page.depth != 2:
        return None
    site = Site.objects.filter(root_page=page).first()
    if site is not None:
        messages.error(
            request,
            _(
                "This page is the section %(name)s in its default language: it cannot be deleted while the "
                "section exists. To remove a language, delete that language's home page. To remove the "
                "section, delete its site in Settings → Sites first (refused while supporters' data "
                "belongs to it)."
            )
            % {"name": site.site_name or site.hostname},
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    site = Site.objects.filter(root_page__translation_key=page.translation_key).first()
    if site is not None and request.method == "GET":
        messages.warning(
            request,
            _(
                "Deleting this page removes %(language)s from the section %(name)s: its pages in that "
                "language are deleted with it, and visitors no longer find them. Supporters' data stays."
            )
            % {"language": language_name(page.locale.language_code), "name": site.site_name or site.hostname},
        )
    return None


hooks.register("construct_page_chooser_queryset", only_the_users_sections_in_the_chooser)
