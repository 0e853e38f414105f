"""Passkeys (WebAuthn) as the admin's second factor, next to TOTP codes: registering, signing in, refusals.

The ceremonies run for real in headless Chromium with Chrome's virtual authenticator (DevTools'
WebAuthn domain), against a live server on http://localhost (a secure context, as WebAuthn needs).
"""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from sections.dates import long_date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sections")]

PASSWORD = "un mot de passe assez long"
BEGIN_AUTHENTICATION = reverse("otp_webauthn:credential-authentication-begin")
COMPLETE_AUTHENTICATION = reverse("otp_webauthn:credential-authentication-complete")
BEGIN_REGISTRATION = reverse("otp_webauthn:credential-registration-begin")
COMPLETE_REGISTRATION = reverse("otp_webauthn:credential-registration-complete")


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.WAGTAIL_2FA_REQUIRED = True


def role_user(sections, code, role, username=None):
    user = get_user_model().objects.create_user(username or f"{code}-{role}-passkey", password=PASSWORD)
    user.groups.set([sections[code].groups[role]])
    return user


def stored_passkey(user, name="Clé de test"):
    """A passkey row as django-otp-webauthn stores one (its key is never used by these HTTP tests)."""
    credential_id = f"credential-of-{user.username}".encode()
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        credential_id=credential_id,
        credential_id_sha256=hashlib.sha256(credential_id).hexdigest(),
        public_key=b"not-a-key",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def password_only_client(user):
    """Signed in with the password only: the second factor is still to give."""
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- Without a browser: what each kind of user is asked, and refusals --------------------------------


@pytest.mark.parametrize("role", ["editor", "moderator", "data-officer"])
def test_a_passkey_does_not_open_the_admin_until_it_is_used(sections, role):
    user = role_user(sections, "ch", role)
    stored_passkey(user)
    client = password_only_client(user)
    for path in ("/admin/", "/admin/pages/", "/admin/signatures/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtail_2fa_auth"))


def test_someone_with_only_a_passkey_is_offered_the_passkey_and_no_code_field(sections):
    user = role_user(sections, "ch", "data-officer")
    stored_passkey(user)
    page = password_only_client(user).get(reverse("wagtail_2fa_auth"), {"next": "/admin/signatures/"})
    html = page.content.decode()
    assert "Confirmez votre identité avec votre clé d’accès" in html
    assert 'id="passkey-verification-button"' in html and "Utiliser ma clé d’accès" in html
    assert 'name="otp_token"' not in html
    assert 'name="next" value="/admin/signatures/"' in html


def test_someone_with_a_passkey_and_an_app_is_offered_both(sections):
    user = role_user(sections, "fr", "editor")
    stored_passkey(user)
    TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    html = password_only_client(user).get(reverse("wagtail_2fa_auth")).content.decode()
    assert "Confirmez votre identité avec votre clé d’accès ou un code" in html
    assert 'id="passkey-verification-button"' in html
    assert 'name="otp_token"' in html
    assert "Ou saisissez un code de votre application" in html


def test_someone_with_only_an_app_is_asked_for_a_code_and_no_passkey(sections):
    user = role_user(sections, "fr", "moderator")
    TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    html = password_only_client(user).get(reverse("wagtail_2fa_auth")).content.decode()
    assert 'name="otp_token"' in html
    assert "passkey-verification-button" not in html
    assert "otp_webauthn_auth.js" not in html


def test_setting_up_a_second_factor_offers_a_passkey_instead_of_an_app(sections):
    user = role_user(sections, "tg", "editor")
    client = password_only_client(user)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("wagtail_2fa_device_new"))
    html = client.get(reverse("wagtail_2fa_device_new")).content.decode()
    assert "Ou une clé d’accès plutôt qu’une application" in html
    assert 'id="passkey-register-button"' in html
    assert "otp_webauthn_register.js" in html


GARBAGE = [
    ("application/json", b""),
    ("application/json", b"{not json"),
    ("application/json", b"[]"),
    ("application/json", b"42"),
    ("application/json", b'"a string"'),
    ("application/json", b"null"),
    ("application/json", b'{"id": 1}'),
    ("application/json", b'{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": "x"}'),
    (
        "application/json",
        b'{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": 5,'
        b' "authenticatorData": [], "signature": {}, "attestationObject": null}}',
    ),
    (
        "application/json",
        json.dumps(
            {
                "id": "Y3JlZGVudGlhbC1vZi1mci1lZGl0b3ItcGFzc2tleQ",
                "rawId": "Y3JlZGVudGlhbC1vZi1mci1lZGl0b3ItcGFzc2tleQ",
                "type": "public-key",
                "response": {
                    "clientDataJSON": "e30",
                    "authenticatorData": "AAAA",
                    "signature": "AAAA",
                    "attestationObject": "AAAA",
                },
            }
        ).encode(),
    ),
    ("application/json", b'{"id": "AAAA", "rawId": 5, "type": "public-key", "response": {}}'),
    (
        "application/json",
        b'{"id": "AAAA", "rawId": "AAAA", "type": 5, "response": {"clientDataJSON": "e30"}}',
    ),
    (
        "application/json",
        '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "\u00e9",'
        ' "authenticatorData": "W10", "signature": "W10", "attestationObject": "oA"},'
        ' "clientExtensionResults": {"credProps": 5}}'.encode(),
    ),
    ("application/x-www-form-urlencoded", b"id=1&response=2"),
    ("text/plain", "\u00e9\u0000\ud7ff".encode()),
]


def refusals_of(client, begin, complete, content_type, body):
    """The statuses of `body` posted to `complete` before and after `begin`, and to `begin` itself."""
    statuses = []
    for started in (False, True):
        if started:
            assert client.post(begin).status_code == 200
        response = client.post(complete, body, content_type=content_type)
        assert response["Content-Type"] == "application/json", response.content
        assert response.json()["detail"]
        statuses.append(response.status_code)
    statuses.append(client.post(begin, body, content_type=content_type).status_code)
    return statuses


def test_garbage_posted_to_the_passkey_sign_in_is_refused_with_a_message(sections):
    user = role_user(sections, "fr", "editor")
    stored_passkey(user)
    client = password_only_client(user)
    for content_type, body in GARBAGE:
        *refusals, begin = refusals_of(
            client, BEGIN_AUTHENTICATION, COMPLETE_AUTHENTICATION, content_type, body
        )
        assert all(400 <= status < 500 for status in refusals), (body, refusals)
        # Beginning reads no body: it starts a ceremony whatever it is sent, or refuses what it cannot parse.
        assert begin in (200, 400), body
    assert client.get("/admin/").status_code == 302


def test_garbage_posted_to_the_passkey_registration_is_refused_with_a_message(sections):
    user = role_user(sections, "fr", "data-officer")
    client = password_only_client(user)
    for content_type, body in GARBAGE:
        *refusals, begin = refusals_of(client, BEGIN_REGISTRATION, COMPLETE_REGISTRATION, content_type, body)
        assert all(400 <= status < 500 for status in refusals), (body, refusals)
        assert begin in (200, 400), body
    assert not WebAuthnCredential.objects.exists()
    assert client.get("/admin/")["Location"].startswith(reverse("wagtail_2fa_device_new"))


def test_an_unreadable_answer_is_refused_in_the_admins_language(sections):
    user = role_user(sections, "fr", "editor")
    stored_passkey(user)
    client = password_only_client(user)
    client.post(BEGIN_AUTHENTICATION)
    response = client.post(COMPLETE_AUTHENTICATION, b"[]", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "La réponse de votre navigateur n’a pas pu être lue. Réessayez, ou utilisez une autre clé d’accès."
    )
    response = client.post(COMPLETE_AUTHENTICATION, b"{}", content_type="application/json")
    assert response.status_code == 400
    assert "Commencez" in response.json()["detail"]


def test_a_refusal_speaks_the_language_the_user_chose_for_the_admin(sections):
    user = role_user(sections, "ch", "editor")
    stored_passkey(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "de"
    profile.save()
    client = password_only_client(user)
    client.post(BEGIN_AUTHENTICATION)
    response = client.post(COMPLETE_AUTHENTICATION, b"[]", content_type="application/json")
    assert response.json()["detail"].startswith("Die Antwort Ihres Browsers konnte nicht gelesen werden.")
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    assert "Mit Passkey verifizieren" in catalog


def test_a_signed_in_user_with_a_device_cannot_register_a_passkey_before_using_it(sections):
    user = role_user(sections, "ch", "editor")
    TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    response = password_only_client(user).post(BEGIN_REGISTRATION)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtail_2fa_auth"))


def test_nobody_signed_in_reaches_the_passkey_endpoints():
    for url in (BEGIN_AUTHENTICATION, COMPLETE_AUTHENTICATION, BEGIN_REGISTRATION, COMPLETE_REGISTRATION):
        response = Client().post(url, b"{}", content_type="application/json")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_the_password_step_still_locks_out_after_repeated_failures(sections, settings):
    settings.AXES_ENABLED = True
    user = role_user(sections, "ch", "data-officer")
    stored_passkey(user)
    client = Client(REMOTE_ADDR="198.51.100.20", HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": user.username, "password": "guess"})
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert client.post(BEGIN_AUTHENTICATION).status_code == 302


def test_a_user_renames_and_removes_their_passkey_and_cannot_touch_anothers(sections):
    owner = role_user(sections, "ch", "editor")
    other = role_user(sections, "ch", "moderator")
    passkey = stored_passkey(owner)
    others_passkey = stored_passkey(other, name="Clé d’un autre")
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(owner)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = passkey.persistent_id  # as django-otp records a verified sign-in
    session.save()
    listing = client.get(reverse("wagtail_2fa_device_list", kwargs={"user_id": owner.pk})).content.decode()
    assert "Clés d’accès" in listing and "Clé de test" in listing and "Clé d’un autre" not in listing

    rename = reverse("sections_passkey_rename", kwargs={"pk": passkey.pk})
    empty = client.post(rename, {"name": ""})
    assert empty.status_code == 200
    assert "Champ requis." in empty.content.decode()
    too_long = client.post(rename, {"name": "Téléphone " * 7})
    assert "au plus 64 caractères" in too_long.content.decode()
    assert 'value="' + ("Téléphone " * 7).strip() in too_long.content.decode()
    response = client.post(rename, {"name": "Téléphone de travail"})
    assert response.status_code == 302
    passkey.refresh_from_db()
    assert passkey.name == "Téléphone de travail"

    assert (
        client.post(
            reverse("sections_passkey_rename", kwargs={"pk": others_passkey.pk}), {"name": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("sections_passkey_remove", kwargs={"pk": others_passkey.pk})).status_code == 404
    )

    remove = reverse("sections_passkey_remove", kwargs={"pk": passkey.pk})
    assert "Retirer la clé d’accès" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert list(WebAuthnCredential.objects.values_list("name", flat=True)) == ["Clé d’un autre"]


# --- In Chromium, with a virtual authenticator: real WebAuthn ceremonies ------------------------------


class Staff:
    """A staff member's browser, with a platform authenticator (fingerprint or PIN) that can hold passkeys."""

    def __init__(self, browser, server_url, user):
        self.server_url = server_url
        self.user = user
        self.context = browser.new_context(locale="fr-CH")
        self.page = self.context.new_page()
        self.console_errors = []
        self.page.on("console", lambda message: self.console_errors.append(message.text))
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("WebAuthn.enable")
        self.authenticator = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                }
            },
        )["authenticatorId"]

    def open(self, path):
        return self.page.goto(self.server_url + path)

    def sign_in_with_password(self):
        self.open("/admin/login/")
        self.page.fill("input[name=username]", self.user.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("form button[type=submit]").first.click()
        self.page.wait_for_url(lambda url: "/admin/login/" not in url)

    def register_a_passkey(self):
        """From the second-factor setup page, as someone without any second factor yet."""
        self.page.get_by_role("button", name="Ajouter une clé d’accès").click()
        self.page.wait_for_url(f"**{reverse('wagtail_2fa_device_list', kwargs={'user_id': self.user.pk})}")

    def sign_out(self):
        self.page.get_by_role("button", name=self.user.username).click()
        self.page.get_by_role("button", name="Se déconnecter").click()
        self.page.wait_for_url("**/admin/login/**")

    def credentials(self):
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.authenticator})[
            "credentials"
        ]

    def in_admin(self):
        """Whether the admin's dashboard opens, rather than a second-factor page."""
        self.open("/admin/")
        return (
            self.page.url == self.server_url + "/admin/"
            and self.page.locator("h1").inner_text() == "Plaidoyer"
        )

    def close(self):
        self.context.close()


@pytest.fixture
def staff_browser(browser, live_server, settings):
    """Opens staff members' browsers on the live server, whose origin passkeys are bound to."""
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")  # a secure context; the relying party "localhost"
    opened = []

    def open_for(user):
        opened.append(Staff(browser, live_server.url, user))
        return opened[-1]

    yield open_for
    for staff in opened:
        staff.close()


def registered(staff):
    staff.sign_in_with_password()
    assert reverse("wagtail_2fa_device_new") in staff.page.url
    staff.register_a_passkey()
    return WebAuthnCredential.objects.get(user=staff.user)


@pytest.mark.django_db(transaction=True)
def test_an_editor_registers_a_passkey_names_it_and_signs_in_with_password_and_passkey(
    sections, staff_browser
):
    editor = role_user(sections, "ch", "editor")
    staff = staff_browser(editor)
    passkey = registered(staff)
    assert passkey.name == "Clé d’accès ajoutée le " + long_date()
    assert len(staff.credentials()) == 1
    page = staff.page
    assert page.get_by_role("cell", name=passkey.name, exact=True).is_visible()
    assert staff.in_admin()  # registering verified the session

    staff.open(reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk}))
    page.get_by_role("link", name=f"Renommer {passkey.name}").click()
    page.fill("input[name=name]", "Ordinateur du bureau")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La clé d’accès s’appelle désormais « Ordinateur du bureau ».")).to_be_visible()
    assert page.get_by_role("cell", name="Ordinateur du bureau", exact=True).is_visible()

    staff.sign_out()
    staff.sign_in_with_password()
    assert reverse("wagtail_2fa_auth") in page.url
    assert page.locator("h1").inner_text() == "Confirmez votre identité avec votre clé d’accès"
    assert page.locator("input[name=otp_token]").count() == 0
    page.get_by_role("button", name="Utiliser ma clé d’accès").click()
    page.wait_for_url(lambda url: "/admin/2fa/" not in url)
    assert page.url == staff.server_url + "/admin/"
    assert page.locator("h1").inner_text() == "Plaidoyer"  # the dashboard
    assert staff.open("/admin/pages/").status == 200 and "/admin/2fa/" not in page.url
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert not [error for error in staff.console_errors if "Content Security Policy" in error]


def forge_a_credential_with_another_key(staff):
    """The authenticator keeps the passkey's id and user but signs with a key the site never saw."""
    (credential,) = staff.credentials()
    staff.cdp.send("WebAuthn.clearCredentials", {"authenticatorId": staff.authenticator})
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    staff.cdp.send(
        "WebAuthn.addCredential",
        {
            "authenticatorId": staff.authenticator,
            "credential": {
                "credentialId": credential["credentialId"],
                "isResidentCredential": True,
                "rpId": credential["rpId"],
                "privateKey": base64.b64encode(key).decode(),
                "userHandle": credential["userHandle"],
                "signCount": credential["signCount"] + 1,
            },
        },
    )


def lose_the_credential(staff):
    staff.cdp.send("WebAuthn.clearCredentials", {"authenticatorId": staff.authenticator})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "failure, message",
    [
        (forge_a_credential_with_another_key, "Cette clé d’accès n’a pas pu confirmer que c’est bien vous."),
        (lose_the_credential, "Aucune clé d’accès n’a confirmé votre identité"),
    ],
    ids=["signed with another key", "passkey gone from the device"],
)
def test_a_failed_passkey_does_not_let_the_data_officer_in_and_says_so(
    sections, staff_browser, failure, message
):
    officer = role_user(sections, "fr", "data-officer")
    staff = staff_browser(officer)
    registered(staff)
    staff.sign_out()
    failure(staff)
    staff.sign_in_with_password()
    page = staff.page
    page.get_by_role("button", name="Utiliser ma clé d’accès").click()
    status = page.locator("#passkey-verification-status-message")
    expect(status).to_contain_text(message)
    expect(status).to_be_visible()
    assert reverse("wagtail_2fa_auth") in page.url
    assert not staff.in_admin()
    assert reverse("wagtail_2fa_auth") in page.url


FORGED_SIGN_IN = """async ({begin, complete}) => {
  const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const options = await (await fetch(begin, {method: "POST", headers: {"X-CSRFToken": csrf}})).json();
  // Whatever passkey this device holds for the site, even one the server did not offer.
  const credential = await navigator.credentials.get({publicKey: {challenge: bytes(options.challenge), rpId: options.rpId}});
  const answer = {
    id: credential.id, rawId: text(credential.rawId), type: credential.type, clientExtensionResults: {},
    response: {
      clientDataJSON: text(credential.response.clientDataJSON),
      authenticatorData: text(credential.response.authenticatorData),
      signature: text(credential.response.signature),
      userHandle: credential.response.userHandle ? text(credential.response.userHandle) : null,
    },
  };
  const response = await fetch(complete, {
    method: "POST", headers: {"X-CSRFToken": csrf, "Content-Type": "application/json"}, body: JSON.stringify(answer),
  });
  return {status: response.status, detail: (await response.json()).detail};
}"""


@pytest.mark.django_db(transaction=True)
def test_a_passkey_registered_for_one_user_does_not_verify_another(sections, staff_browser):
    owner = role_user(sections, "ch", "editor")
    staff = staff_browser(owner)
    registered(staff)
    staff.sign_out()

    # A moderator who knows their own password, on the same device, tries the editor's passkey.
    moderator = role_user(sections, "ch", "moderator")
    TOTPDevice.objects.create(user=moderator, name="Téléphone", confirmed=True)
    staff.user = moderator
    staff.sign_in_with_password()
    assert reverse("wagtail_2fa_auth") in staff.page.url
    result = staff.page.evaluate(
        FORGED_SIGN_IN, {"begin": BEGIN_AUTHENTICATION, "complete": COMPLETE_AUTHENTICATION}
    )
    assert result["status"] == 403
    assert result["detail"].startswith("La clé d’accès utilisée n’appartient pas à la personne connectée.")
    assert not staff.in_admin()
