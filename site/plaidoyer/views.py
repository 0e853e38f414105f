"""Site-wide error views that need the request (Django's own 400 and 500 views render their template without it)."""

import sys

import psycopg
from django import db
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import translation
from django.views import defaults

# What a lost database connection raises: PostgreSQL restarting, stopped or out of reach. Django wraps
# psycopg's errors in its own; a raw cursor may let psycopg's own through.
DATABASE_UNAVAILABLE = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def bad_request(request, exception):
    """The site's 400 page, in the URL's language, with the section's header and footer."""
    return render(request, "400.html", status=400)


def server_error(request):
    """A lost database connection gets a "try again" page (503) in the URL's language; anything else 500.html.

    The 503 page reads nothing from the database (it is down): no section header, no footer. For a form
    it was sent, it holds what the visitor typed, as the fields of a form that sends it again to the same
    address. Sending again never counts twice where an action is one per person (a signature, a join: the
    canonical email) or per attempt (a donation: its idempotency key), so an attempt stored just before the
    connection dropped is recognised. A letter is one per filling of its form (its proof of work), so one
    sent again is the same letter; without JavaScript (no proof of work) it is a second.
    Django has already logged the error; when the request ends it closes the broken connection, and the
    next request opens a new one (CONN_HEALTH_CHECKS).
    """
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return defaults.server_error(request)
    language = translation.get_language_from_path(request.path_info) or translation.get_language()
    with translation.override(language):
        fields = []
        if request.method == "POST":
            fields = [(name, value) for name, values in request.POST.lists() for value in values]
        response = TemplateResponse(
            request,
            "503_database.html",
            {
                "send_again": request.method == "POST",
                "fields": fields,
                "action": request.get_full_path(),
                "language": translation.get_language(),
            },
            status=503,
        )
        response.render()
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response
