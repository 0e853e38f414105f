"""Site-wide error views that need the request (Django's own 400 view renders its template without it)."""

from django.shortcuts import render


def bad_request(request, exception):
    """The site's 400 page, in the URL's language, with the section's header and footer."""
    return render(request, "400.html", status=400)
