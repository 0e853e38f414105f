"""What tests post for a form's spam protection: a proof of work fetched from the site and solved like the widget does."""

from django.test import Client

from supporters.proof_of_work import solved


def solution(host, client=None):
    """A freshly solved challenge of the section at `host` (cheap at the test settings' difficulty).

    Each POST needs its own: a solution is accepted once.
    """
    response = (client or Client()).get("/altcha/challenge/", HTTP_HOST=host)
    assert response.status_code == 200, response.status_code
    return solved(response.json())


def email_hashes(email):
    """The keyed hashes of `email` in every section: rows are found by them, their email being encrypted
    (e.g. `Signature.objects.get(supporter__email_hash__in=email_hashes("ben@example.org"))`)."""
    from wagtail.models import Site

    from supporters.encryption import email_hash

    return [email_hash(site_id, email) for site_id in Site.objects.values_list("pk", flat=True)]
