from django.apps import AppConfig


class LettersConfig(AppConfig):
    """Letter-writing actions: a petition's sibling, with its own tables (app label `letters`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "petitions.letters"
    label = "letters"
