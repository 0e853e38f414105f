"""An empty form's HTML is kept with the content: built once per content generation, never for a visitor's input."""

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from sections.content_cache import content_changed, local

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    "{% load empty_forms %}{% cached_empty_form form page_id %}"
    "<label>{{ form.name.label }}</label>{{ form.name }}{{ form.name.errors }}{% endcached_empty_form %}"
)


class NameForm(forms.Form):
    name = forms.CharField(label="Name")


def render(form, page_id=1, preview=False):
    request = RequestFactory().get("/")
    if preview:
        request.is_preview = True
    return TEMPLATE.render(Context({"form": form, "page_id": page_id, "request": request}))


def with_label(label, **kwargs):
    form = NameForm(**kwargs)
    form.fields["name"].label = label
    return form


def test_an_empty_form_is_built_once_per_content_generation():
    local.clear()
    content_changed()
    assert ">Name</label>" in render(with_label("Name"))
    # Until an editor saves something, every visitor gets the HTML built first.
    assert ">Name</label>" in render(with_label("Nom"))
    content_changed()
    assert ">Nom</label>" in render(with_label("Nom"))


def test_each_page_language_and_initial_value_has_its_own_html():
    local.clear()
    content_changed()
    assert ">Name</label>" in render(with_label("Name"), page_id=1)
    assert ">Nom</label>" in render(with_label("Nom"), page_id=2)
    with translation.override("de"):
        assert ">Name (de)</label>" in render(with_label("Name (de)"), page_id=1)
    html = render(with_label("Name", initial={"name": "Genève"}), page_id=1)
    assert 'value="Genève"' in html


def test_a_visitors_input_and_its_errors_are_never_kept():
    local.clear()
    content_changed()
    render(with_label("Name"))  # the empty form, kept
    submitted = NameForm(data={"name": ""})
    html = render(submitted)
    assert "Champ requis." in html  # the active language: French
    typed = render(NameForm(data={"name": "Anne-Sophie"}))
    assert 'value="Anne-Sophie"' in typed
    # Nor did they replace the empty form for the next visitor.
    assert 'value="' not in render(NameForm()) and "Champ requis" not in render(NameForm())


def test_a_preview_shows_the_editors_unsaved_form():
    local.clear()
    content_changed()
    render(with_label("Name"))
    assert ">Draft label</label>" in render(with_label("Draft label"), preview=True)
