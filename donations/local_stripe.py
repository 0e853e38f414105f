"""localstripe, the local fake of Stripe, started fresh on loopback: for `make run` and for the tests.

It answers Stripe's API (customers, cards, PaymentIntents, subscriptions…), serves a fake Stripe.js at
`/js.stripe.com/v3/` and posts signed webhooks to the URLs registered with it. localstripe's own
`start()` listens on every interface and reloads its last store from /tmp; `LocalStripe` starts its
app on 127.0.0.1 only, with an empty store, and stops it with the process that started it.

localstripe 1.15.10 knows PaymentMethods but its Stripe.js has an empty `createPaymentMethod` and its
API takes them only with a secret key. `add_create_payment_method` fills that gap (what Stripe.js and
Stripe do: the page sends the card with the publishable key, gets a `pm_…`); delete it once localstripe
does it itself (`createPaymentMethod: async () => {}` in its localstripe-v3.js).

Its subscriptions have no `default_payment_method` (an update naming one fails);
`add_subscription_default_payment_method` lets an update set it, to one of the customer's PaymentMethods, as
Stripe does. Its fake Stripe.js has `confirmCardSetup` (SetupIntents, with its 3-D Secure window) already.

localstripe also ignores `Idempotency-Key`. The tests check Stripe's replay against recorded answers
(donations/tests/recorded_stripe.py); the fault bench, whose requests die midway and are sent again,
starts it with `LocalStripe(idempotent=True)`, and `add_idempotency` then replays a key's first answer
as Stripe does.
"""

import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

LAUNCHER = (
    "import sys; sys.path.insert(0, sys.argv[2]); from aiohttp import web; from localstripe.server import app; "
    "from donations.local_stripe import add_create_payment_method, add_idempotency, "
    "add_subscription_default_payment_method; add_create_payment_method(app); "
    "add_subscription_default_payment_method(); 'idempotent' in sys.argv[3:] and add_idempotency(app); "
    "web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)"
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Appended to localstripe's fake Stripe.js: `stripe.createPaymentMethod({type: "card", card, billing_details})`
# sends the fake Card Element's values with the publishable key and answers `{paymentMethod}` or `{error}`.
CREATE_PAYMENT_METHOD_JS = """
Stripe = (function (fakeStripe) {
  return function (apiKey, options) {
    const stripe = fakeStripe(apiKey, options);
    stripe.createPaymentMethod = async function (data) {
      const body = new URLSearchParams({ type: data.type, key: apiKey });
      const card = data.card && data.card.value ? data.card.value.card : {};
      Object.keys(card).forEach(function (field) { body.append("card[" + field + "]", card[field]); });
      const details = data.billing_details || {};
      Object.keys(details).forEach(function (field) {
        body.append("billing_details[" + field + "]", details[field]);
      });
      try {
        const response = await fetch(LOCALSTRIPE_BASE_API + "/v1/payment_methods", { method: "POST", body: body });
        const answer = await response.json().catch(function () { return {}; });
        return response.status === 200 ? { paymentMethod: answer } : { error: answer.error || {} };
      } catch (error) {
        return { error: error };
      }
    };
    return stripe;
  };
})(Stripe);
"""


def add_create_payment_method(app):
    """Let the page create card PaymentMethods with the publishable key, as Stripe.js does with Stripe."""
    from aiohttp import web
    from localstripe.errors import UserError
    from localstripe.resources import PaymentMethod
    from localstripe.server import get_post_data, json_response

    @web.middleware
    async def create_payment_method(request, handler):
        if request.path == "/js.stripe.com/v3/":
            response = await handler(request)
            return web.Response(
                text=response.text + CREATE_PAYMENT_METHOD_JS, content_type="application/javascript"
            )
        if (
            request.method != "POST"
            or request.path != "/v1/payment_methods"
            or "Authorization" in request.headers
        ):
            return await handler(request)
        data = await get_post_data(request, remove_auth=False) or {}
        key = data.pop("key", None)
        if not (isinstance(key, str) and key.startswith("pk_")):
            raise UserError(401, "Unauthorized")
        data.pop("payment_user_agent", None)
        return json_response(PaymentMethod._api_create(**data)._export())

    # After localstripe's error middleware (which renders UserError), before its authentication.
    app.middlewares.insert(1, create_payment_method)


def add_subscription_default_payment_method():
    """Let a subscription update set `default_payment_method` to a PaymentMethod of the subscription's customer."""
    from localstripe.errors import UserError
    from localstripe.resources import PaymentMethod, Subscription

    update = Subscription._update

    def update_with_default(self, default_payment_method=None, **data):
        if default_payment_method is not None:
            method = PaymentMethod._api_retrieve(default_payment_method)
            if method.customer != self.customer:
                raise UserError(400, "The PaymentMethod is not attached to the subscription's customer.")
        update(self, **data)
        if default_payment_method is not None:
            self.default_payment_method = default_payment_method

    Subscription._update = update_with_default


def add_idempotency(app):
    """Answer a POST sent again with the same `Idempotency-Key` (per secret key) with its first answer, as
    Stripe does; the same key with other parameters is refused (Stripe's `idempotency_error`). Concurrent
    requests with one key are answered one after the other."""
    import asyncio
    import collections

    from aiohttp import web

    answers = {}
    locks = collections.defaultdict(asyncio.Lock)

    @web.middleware
    async def idempotency(request, handler):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        body = await request.read()  # kept by aiohttp: the handler reads it again
        scope = (request.headers.get("Authorization", ""), key)
        async with locks[scope]:
            if scope in answers:
                first_body, status, text = answers[scope]
                if first_body != body:
                    message = "Keys for idempotent requests can only be used with the same parameters."
                    return web.json_response(
                        {"error": {"type": "idempotency_error", "message": message}}, status=400
                    )
                return web.Response(
                    text=text,
                    status=status,
                    content_type="application/json",
                    headers={"Idempotent-Replayed": "true"},
                )
            response = await handler(request)
            if response.status < 500:
                answers[scope] = (body, response.status, response.text)
            return response

    # First: errors rendered by localstripe's own middleware are answers too.
    app.middlewares.insert(0, idempotency)


TEST_CARD = "4242 4242 4242 4242"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalStripe:
    """A localstripe process on loopback: `url` is its API base, `js_url` its Stripe.js."""

    def __init__(self, port=None, idempotent=False):
        self.port = port or free_port()
        self.idempotent = idempotent
        self.url = f"http://127.0.0.1:{self.port}"
        self.js_url = f"{self.url}/js.stripe.com/v3/"
        self.process = None

    def start(self, timeout=10):
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(self.port), str(PROJECT_ROOT)]
            + (["idempotent"] if self.idempotent else []),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"localstripe exited with code {self.process.returncode}")
            try:
                if requests.get(self.js_url, timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"localstripe did not answer within {timeout} seconds")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def register_webhook(self, name, url, secret, events=None):
        """localstripe posts its events (all, or `events`) to `url`, signed with `secret`."""
        body = {"url": url, "secret": secret}
        if events is not None:
            body["events"] = events
        requests.post(f"{self.url}/_config/webhooks/{name}", json=body, timeout=10).raise_for_status()


class Relay:
    """A TCP relay on loopback to `target` (host, port), to make a service slow or unreachable at will.

    Modes: `up` forwards; `down` closes each new connection at once (as an unreachable host); `slow` holds
    each new connection without answering for `delay` seconds, then forwards it (with `delay` None, for
    ever: a service that never answers in time). Connections already forwarded go on.
    donations/tests/test_stripe_outage.py puts one between the site and localstripe, bench/faults.py two
    (the site's calls to Stripe, and Stripe's webhooks to the site).
    """

    def __init__(self, target, port=0):
        self.target = target
        self.mode = "up"
        self.delay = None
        self.server = socket.create_server(("127.0.0.1", port))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.held = []
        self.closed = threading.Event()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closed.is_set():
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
            elif self.mode == "slow" and self.delay is None:
                self.held.append(client)  # read nothing, answer nothing
            else:
                delay = self.delay if self.mode == "slow" else 0
                threading.Thread(target=self.forward, args=(client, delay), daemon=True).start()

    def forward(self, client, delay):
        time.sleep(delay)
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.closed.set()
        self.server.close()
        for client in self.held:
            client.close()


def connect_demo_sections(stripe, server_url):
    """Gives every section test keys on `stripe` and registers its webhook at `server_url`.

    Returns the settings the demo's server reads from its environment (the API base, Stripe.js and each
    section's secrets); the publishable keys are saved in the sections' settings.
    """
    from sections.models import SectionSettings

    environment = {"STRIPE_API_BASE": stripe.url, "STRIPE_JS_URL": stripe.js_url}
    for section in SectionSettings.objects.exclude(code="").order_by("code"):
        code = section.code
        section.stripe_publishable_key = f"pk_test_demo_{code}"
        section.save()
        webhook_secret = f"whsec_demo_{secrets.token_hex(16)}"
        environment[f"STRIPE_SECRET_KEY_{code.upper()}"] = f"sk_test_demo_{code}"
        environment[f"STRIPE_WEBHOOK_SECRET_{code.upper()}"] = webhook_secret
        stripe.register_webhook(code, f"{server_url}/donations/webhooks/{code}/", webhook_secret)
    return environment
