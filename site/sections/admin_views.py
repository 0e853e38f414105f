"""The admin's "New section" form (superusers only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .creation import NewSectionForm, create_section_from


class NewSectionView(WagtailAdminTemplateMixin, FormView):
    form_class = NewSectionForm
    template_name = "sections/admin/new_section.html"
    page_title = _("New section")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path, submit_button_label=_("Create the section"), **kwargs
        )

    def form_valid(self, form):
        section = create_section_from(form)
        messages.success(
            self.request,
            _("The section %(name)s is live at %(host)s, with its roles and workflow.")
            % {"name": section.name, "host": section.site.hostname},
        )
        return redirect("wagtailsettings:edit", "sections", "sectionsettings", section.site.pk)
