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
