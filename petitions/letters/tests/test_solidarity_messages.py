"""Solidarity messages: stored as pending, shown and printed only once a section's staff approved them."""

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from petitions.letters.models import MessageStatus, SolidarityMessage

from .helpers import CH, page_url, shown

pytestmark = pytest.mark.django_db


def post_message(client, page, **overrides):
    data = {
        "author_name": "Léa",
        "town": "Sion",
        "text": "Мария, мы с тобой! Courage et tendresse.",
        "consent": "on",
    }
    data.update(overrides)
    data = {f"message-{key}": value for key, value in data.items()}
    return client.post(page_url(page, "message/"), data, HTTP_HOST=CH)


def moderate(client, message, decision, follow=False):
    url = reverse("letters_solidaritymessage:moderate", args=[message.pk, decision])
    return client.post(url, HTTP_HOST=CH, follow=follow)


def test_a_message_waits_for_moderation_and_is_not_shown(client, action):
    response = post_message(client, action)
    assert response.status_code == 303
    message = SolidarityMessage.objects.get()
    assert message.status == MessageStatus.PENDING
    assert (message.site, message.action_id, message.language) == (action.get_site(), action.pk, "fr")
    page = client.get(page_url(action), HTTP_HOST=CH).content.decode()
    assert shown("Thank you! Your message will be read by our team before it is delivered.") in page
    assert "Courage et tendresse" not in page


def test_a_sent_message_is_confirmed_in_place_of_the_form(client, action):
    response = post_message(client, action)
    assert response["Location"] == page_url(action) + "#message-sent"
    page = client.get(page_url(action), HTTP_HOST=CH)
    content = page.content.decode()
    confirmation = shown("Thank you! Your message will be read by our team before it is delivered.")
    assert f'id="message-sent" role="status" tabindex="-1">{confirmation}</p>' in content
    assert content.count(confirmation) == 1  # not repeated at the top of the page
    assert 'name="message-text"' not in content
    assert "no-store" in page["Cache-Control"]  # the confirmation is this visitor's only
    # Coming back later, the form is there again.
    assert 'name="message-text"' in client.get(page_url(action), HTTP_HOST=CH).content.decode()


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_confirmation_of_a_sent_message_is_on_screen_and_focused(
    live_server, action, browser_page
):
    port = live_server.url.rsplit(":", 1)[1]
    page = browser_page
    page.goto(f"http://ch.localhost:{port}{page_url(action)}")
    page.locator("[name=message-author_name]").fill("Léa")
    page.locator("[name=message-town]").fill("Sion")
    page.locator("[name=message-text]").fill("Courage et tendresse, Maryia.")
    page.locator("[name=message-consent]").check()
    page.get_by_role("button", name=shown("Send my message")).click()

    confirmation = page.locator("#message-sent")
    expect(confirmation).to_have_text(
        shown("Thank you! Your message will be read by our team before it is delivered.")
    )
    expect(confirmation).to_be_focused()
    expect(confirmation).to_be_in_viewport(ratio=1)
    # No empty form where the visitor lands, nor anywhere else.
    assert page.locator("[name=message-text]").count() == 0


def test_approved_messages_are_shown_rejected_ones_never(client, action, action_de, staff_factory, sections):
    post_message(client, action)
    post_message(client, action, author_name="Max", text="Bleib stark, Maryia!")
    post_message(client, action, author_name="Troll", text="Message injurieux")
    approved, kept, rejected = SolidarityMessage.objects.order_by("pk")
    staff = staff_factory(sections["ch"], "ch-staff")
    client.force_login(staff)
    assert moderate(client, approved, "approve").status_code == 302
    assert moderate(client, rejected, "reject").status_code == 302
    client.logout()

    for page in (action, action_de):  # every translation shows the approved messages
        content = client.get(page_url(page), HTTP_HOST=CH).content.decode()
        assert "Мария, мы с тобой! Courage et tendresse." in content
        assert "Bleib stark" not in content  # still pending
        assert "Message injurieux" not in content
    approved.refresh_from_db()
    assert approved.moderated_by == staff and approved.moderated_at is not None


def test_moderation_requires_post_and_permission(client, action, staff_factory, sections):
    post_message(client, action)
    message = SolidarityMessage.objects.get()
    staff = staff_factory(sections["ch"], "ch-staff")
    client.force_login(staff)
    url = reverse("letters_solidaritymessage:moderate", args=[message.pk, "approve"])
    assert client.get(url, HTTP_HOST=CH).status_code == 405
    # Admin 404s are redirected once by LocaleMiddleware to a language-prefixed path, which 404s too.
    assert moderate(client, message, "publish", follow=True).status_code == 404
    staff.groups.first().permissions.filter(codename="moderate_solidaritymessage").delete()
    staff = type(staff).objects.get(pk=staff.pk)
    client.force_login(staff)
    refused = moderate(client, message, "approve")
    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING


def test_inspect_view_offers_approve_and_reject(client, action, staff_factory, sections):
    post_message(client, action)
    message = SolidarityMessage.objects.get()
    client.force_login(staff_factory(sections["ch"], "ch-staff"))
    content = client.get(reverse("letters_solidaritymessage:inspect", args=[message.pk]), HTTP_HOST=CH)
    assert (
        reverse("letters_solidaritymessage:moderate", args=[message.pk, "approve"])
        in content.content.decode()
    )
    assert (
        reverse("letters_solidaritymessage:moderate", args=[message.pk, "reject"]) in content.content.decode()
    )


def test_cards_contain_only_approved_messages(client, action, staff_factory, sections):
    post_message(client, action, text="Première carte approuvée")
    post_message(client, action, text="En attente de lecture")
    post_message(client, action, text="Refusée par l'équipe")
    first, pending, refused = SolidarityMessage.objects.order_by("pk")
    client.force_login(staff_factory(sections["ch"], "ch-staff"))
    moderate(client, first, "approve")
    moderate(client, refused, "reject")

    response = client.get(reverse("letters_solidaritymessage:cards") + f"?action={action.pk}", HTTP_HOST=CH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Première carte approuvée" in text
    assert "Léa, Sion" in text
    assert "En attente" not in text and "Refusée" not in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("author_name", ""),
        ("text", ""),
        ("text", "x" * 501),
        ("text", "Courage 😀"),
        ("author_name", "<b>Léa</b>"),
        ("author_name", "Léa\r\nBcc: x"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(client, action, field, value):
    response = post_message(client, action, **{field: value})
    assert response.status_code == 400
    assert f'id="id_message-{field}_errors"' in response.content.decode()
    assert SolidarityMessage.objects.count() == 0


def test_messages_are_refused_where_not_collected(client, action):
    action.collect_messages = False
    action.save_revision().publish()
    assert post_message(client, action).status_code == 404
    assert SolidarityMessage.objects.count() == 0
