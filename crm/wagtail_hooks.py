"""Admin registration of the CRM webhooks and their deliveries."""

from wagtail import hooks

from .admin_views import CrmAdminGroup


@hooks.register("register_admin_viewset")
def register_crm_admin():
    return CrmAdminGroup()
