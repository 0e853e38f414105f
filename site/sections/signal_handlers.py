"""Keeps the cached section languages fresh when a root page's translations change."""

from wagtail.signals import page_published, page_unpublished

from .languages import forget_section_languages


def forget_languages_on_root_change(sender, instance, **kwargs):
    if instance.depth <= 2:
        forget_section_languages()


def register_signal_handlers():
    page_published.connect(forget_languages_on_root_change)
    page_unpublished.connect(forget_languages_on_root_change)
