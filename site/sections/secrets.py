"""Per-section secrets, named by section code in the environment (never stored, never rendered)."""

from django.conf import settings


def section_secret(name, code):
    """The secret NAME for a section, e.g. section_secret("STRIPE_SECRET_KEY", "ch"), or ""."""
    return settings.SECTION_SECRETS.get(f"{name}_{code.upper()}", "")
