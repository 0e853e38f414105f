"""Admin registration of the CRM webhooks and their deliveries."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import CrmAdminGroup, DeliveryPermissionPolicy
from .models import Delivery

register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery))


@hooks.register("register_admin_viewset")
def register_crm_admin():
    return CrmAdminGroup()
