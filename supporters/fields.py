"""Form fields every action shares: a person's name, under the one rule of supporters.validators."""

from django import forms

from .validators import validate_name


class NameField(forms.CharField):
    """A first or last name: one line, no markup; `autocomplete` lets browsers fill it in (WCAG 1.3.5)."""

    default_validators = [validate_name]

    def __init__(self, *, autocomplete, max_length=100, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": autocomplete}))
        super().__init__(max_length=max_length, **kwargs)
