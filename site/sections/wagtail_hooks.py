"""Admin hooks of the site layer: the "New section" form under Settings, for superusers."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import NewSectionView


@hooks.register("register_admin_urls")
def register_new_section_url():
    return [path("sections/new/", NewSectionView.as_view(), name="sections_new")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_new_section_menu_item():
    return SuperuserMenuItem(_("New section"), reverse("sections_new"), icon_name="site", order=150)
