"""Health endpoints: `ok` or `unhealthy` for anyone, details for superusers, the mail server asked once a minute."""

import datetime
import socket
import socketserver
import threading

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db

CH = "ch.localhost:8000"


def get(client, path, **headers):
    return client.get(path, HTTP_HOST=CH, **headers)


def waiting_task(minutes_ago):
    task = DBTaskResult.objects.create(
        task_path="supporters.tasks.send_email",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return task


class FakeSMTP(socketserver.StreamRequestHandler):
    """Greets, answers QUIT: all that opening and closing a connection needs. Counts connections."""

    connections = 0

    def handle(self):
        type(self).connections += 1
        self.wfile.write(b"220 fake ESMTP\r\n")
        for line in self.rfile:
            self.wfile.write(b"221 bye\r\n" if line.upper().startswith(b"QUIT") else b"250 ok\r\n")
            if line.upper().startswith(b"QUIT"):
                return


@pytest.fixture
def smtp_server(settings):
    FakeSMTP.connections = 0
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSMTP)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    yield FakeSMTP
    server.shutdown()
    server.server_close()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_anyone_gets_ok_and_nothing_else_never_from_the_page_cache(client, sections, settings):
    settings.PAGE_CACHE_SECONDS = 60
    for path in ("/health/", "/health/ready/"):
        for _ in range(2):
            response = get(client, path, HTTP_ACCEPT="application/json")
            assert response.status_code == 200
            assert response.content == b"ok\n"
            assert response["Content-Type"] == "text/plain; charset=utf-8"
            assert response["X-Page-Cache"] == "miss"  # checked afresh on every poll
            assert "no-cache" in response["Cache-Control"]


def test_a_task_waiting_too_long_makes_health_unhealthy_not_the_load_balancers_endpoint(client, sections):
    waiting_task(minutes_ago=1)
    assert get(client, "/health/").status_code == 200
    waiting_task(minutes_ago=10)  # past HEALTH_TASK_QUEUE_MAX_AGE (5 minutes): no worker runs
    response = get(client, "/health/", HTTP_ACCEPT="application/json")
    assert (response.status_code, response.content) == (503, b"unhealthy\n")
    assert get(client, "/health/ready/").status_code == 200


def test_a_superuser_gets_each_check_and_its_error(client, sections, django_user_model):
    waiting_task(minutes_ago=10)
    client.force_login(django_user_model.objects.create_superuser("ops", "ops@example.org", "x"))
    response = get(client, "/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    details = response.json()
    assert set(details) == {
        "Database(alias='default')",
        "Cache(alias='strict')",
        "TaskQueue()",
        "CachedMail(alias='default')",
    }
    assert details["Database(alias='default')"] == "OK"
    assert details["TaskQueue()"].startswith("Unavailable: The oldest waiting task has waited 6")


def test_the_mail_server_is_asked_once_a_minute_whoever_polls(client, sections, smtp_server):
    for _ in range(3):
        assert get(client, "/health/").status_code == 200
    assert smtp_server.connections == 1


def test_an_unreachable_mail_server_makes_health_unhealthy(client, sections, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    response = get(client, "/health/")
    assert (response.status_code, response.content) == (503, b"unhealthy\n")
    assert get(client, "/health/ready/").status_code == 200
