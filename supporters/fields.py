"""Form fields every action shares: a person's name (under the one rule of supporters.validators), consents."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import validate_name

# The per-action opt-in of every action form (ConsentPurpose.ACTION_NEWS): news of what the action achieves.
OUTCOME_NEWS_LABEL = _("Tell me what this action achieves")


class NameField(forms.CharField):
    """A first or last name: one line, no markup; `autocomplete` lets browsers fill it in (WCAG 1.3.5)."""

    default_validators = [validate_name]

    def __init__(self, *, autocomplete, max_length=100, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": autocomplete}))
        super().__init__(max_length=max_length, **kwargs)


class StrictCheckboxInput(forms.CheckboxInput):
    """A checkbox that hands the raw posted value to the field, so anything but "on" can be refused."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value is True or value == "on")

    def format_value(self, value):
        # Never echo a posted value back: the browser's own "on" is the only one accepted.
        return None

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            if len(values) > 1:
                return values
            return values[0] if values else None
        return data.get(name)


class StrictConsentField(forms.Field):
    """An unticked-by-default consent: absent means no, "on" means yes, anything else is tampering."""

    widget = StrictCheckboxInput
    default_error_messages = {
        "invalid": _("This choice could not be read. Please tick or untick the box again."),
    }

    def to_python(self, value):
        if value in (None, "", False):
            return False
        if value == "on" or value is True:
            return True
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
