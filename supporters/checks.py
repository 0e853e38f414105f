"""The refusal to start when a section's personal data cannot be encrypted or read with its keys."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

from .encryption import PersonalDataKeyError, personal_data_keys_of


def key_problems():
    """One sentence per section (in the database) whose keys are missing, malformed or wrong.

    A wrong key is noticed on the section's newest stored address: opening it must work, or every
    page listing supporters would fail later, and new rows would be written with a key nobody keeps.
    """
    from .models import Supporter

    with connection.cursor() as cursor:
        cursor.execute("SELECT site_id, code FROM sections_sectionsettings ORDER BY code")
        sections = cursor.fetchall()
    problems = []
    for site_id, code in sections:
        try:
            personal_data_keys_of(code)
            stored = (
                Supporter.objects.filter(site_id=site_id)
                .exclude(email="")
                .order_by("-pk")
                .values_list("email", flat=True)[:1]
            )
            list(stored)  # decrypts (from_db_value)
        except PersonalDataKeyError as error:
            problems.append(str(error))
    return problems


def require_keys():
    """Raise ImproperlyConfigured when a section's keys are missing or wrong (wsgi.py calls it at start).

    A database that does not answer yet is not a key problem: the health checks report it.
    """
    try:
        problems = key_problems()
    except DatabaseError:
        return
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


@checks.register(checks.Tags.security)
def personal_data_keys(app_configs, databases=None, **kwargs):
    """`manage.py check --database default` and `migrate` check each section's keys."""
    if not databases:
        return []
    try:
        problems = key_problems()
    except DatabaseError:
        return []  # no tables yet: migrate creates them
    return [checks.Error(problem, id="supporters.E001") for problem in problems]
