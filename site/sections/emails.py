"""An email from a section to one person: in the person's language and the section's time zone, replies to the section."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import SectionSettings
from .texts import section_texts


def section_email(site, language, template, context, to):
    """The email `<template>_subject.txt` / `<template>_body.txt` from the section of `site`, to the addresses `to`.

    The templates are rendered in `language` and the section's time zone, with `section` and
    `section_texts` (the section's own wording, in that language) added to `context`, which may be a
    callable: it is then called inside the language, for links and labels that must be in it.
    """
    section = SectionSettings.for_site(site)
    with translation.override(language), timezone.override(section.zone):
        context = {
            **(context() if callable(context) else context),
            "section": section,
            "section_texts": section_texts(site, language),
        }
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[section.contact_email] if section.contact_email else None,
    )
