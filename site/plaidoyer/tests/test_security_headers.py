"""Every response tells the browser which features no page of ours uses (Permissions-Policy)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("host", "path"),
    [("ch.localhost:8000", "/de/"), ("fr.localhost:8000", "/fr/"), ("fr.localhost:8000", "/admin/login/")],
)
def test_camera_microphone_and_location_are_off_on_every_page(client, sections, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    policy = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "browsing-topics", "usb"):
        assert policy[feature] == "()"
    assert policy["payment"] == '(self "https://js.stripe.com")'
    assert response["X-Frame-Options"] == "SAMEORIGIN"
