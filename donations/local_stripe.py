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

It has no Prices: only Plans, and subscription items that name a `plan`. `add_prices` fills what monthly
gifts use: recurring Prices at `/v1/prices` (create, retrieve, list), subscription items (created or
updated) by `price` or by `price_data` (an inline Price, as Stripe makes one), and each item and invoice
line answering its `price` next to its `plan`. A Price is stored as a localstripe object of its own
(`object: "price"`) with a Plan of the same id, as Stripe answers a recurring price as a plan too: the
Plan is what localstripe's subscriptions and invoices bill. Delete it once localstripe has a `Price`
resource (`donations/tests/test_local_stripe.py` fails then, and if the internals it wraps change).

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
    "add_prices, add_subscription_default_payment_method; add_create_payment_method(app); "
    "add_subscription_default_payment_method(); add_prices(app); "
    "'idempotent' in sys.argv[3:] and add_idempotency(app); "
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


def add_prices(app):
    """Recurring Prices at `/v1/prices`, and subscription items by `price` or `price_data`, as Stripe has them."""
    # Module level: localstripe pickles its whole store after each write, and pickle finds classes by name.
    global Price
    from localstripe.errors import UserError
    from localstripe.resources import (
        Event,
        InvoiceLineItem,
        Plan,
        Product,
        StripeObject,
        Subscription,
        SubscriptionItem,
        store,
        try_convert_to_int,
    )
    from localstripe.server import api_create, api_list_all, api_retrieve
    from localstripe.webhooks import schedule_webhook

    class Price(StripeObject):
        object = "price"
        _id_prefix = "price_"

        def __init__(
            self,
            currency=None,
            unit_amount=None,
            recurring=None,
            product=None,
            metadata=None,
            nickname=None,
            **kwargs,
        ):
            if kwargs:
                raise UserError(400, "Unexpected " + ", ".join(kwargs))
            unit_amount = try_convert_to_int(unit_amount)
            interval_count = try_convert_to_int((recurring or {}).get("interval_count", 1))
            try:
                # Only what a monthly gift needs: a recurring price per unit, of an existing product.
                assert type(currency) is str and currency
                assert type(unit_amount) is int and unit_amount >= 0
                assert type(product) is str and product
                assert type(recurring) is dict and set(recurring) <= {"interval", "interval_count"}
                assert recurring.get("interval") in ("day", "week", "month", "year")
                assert type(interval_count) is int and interval_count > 0
                assert metadata is None or type(metadata) is dict
            except AssertionError:
                raise UserError(400, "Bad request") from None
            Product._api_retrieve(product)  # 404 for an unknown product
            super().__init__()
            self.active = True
            self.billing_scheme = "per_unit"
            self.currency = currency
            self.custom_unit_amount = None
            self.lookup_key = None
            self.metadata = metadata or {}
            self.nickname = nickname
            self.product = product
            self.recurring = {
                "aggregate_usage": None,
                "interval": recurring["interval"],
                "interval_count": interval_count,
                "meter": None,
                "trial_period_days": None,
                "usage_type": "licensed",
            }
            self.tax_behavior = "unspecified"
            self.tiers_mode = None
            self.transform_quantity = None
            self.type = "recurring"
            self.unit_amount = unit_amount
            self.unit_amount_decimal = str(unit_amount)
            # What localstripe bills: the plan of the same id (Stripe retrieves a recurring price as a plan too).
            Plan(
                id=self.id,
                amount=unit_amount,
                currency=currency,
                interval=recurring["interval"],
                interval_count=interval_count,
                product=product,
                nickname=nickname,
            )
            schedule_webhook(Event("price.created", self))

    def priced(items):
        """`items`, each `price` or `price_data` turned into the plan of the same id, which localstripe bills."""
        if type(items) is not list:
            return items
        for item in items:
            if type(item) is not dict:
                continue  # localstripe refuses it
            price_data, price = item.pop("price_data", None), item.pop("price", None)
            if price_data is not None:
                if price is not None or type(price_data) is not dict:
                    raise UserError(400, "Bad request")
                price = Price(**price_data).id
            if price is not None:
                if type(price) is not str or item.get("plan"):
                    raise UserError(400, "Bad request")
                Price._api_retrieve(price)  # 404 for an unknown price
                item["plan"] = price
        return items

    create = Subscription.__init__

    def create_with_prices(self, items=None, **data):
        create(self, items=priced(items), **data)

    update = Subscription._update

    def update_with_prices(self, items=None, **data):
        update(self, items=priced(items), **data)

    def price_of(line):
        """The Price a subscription item or invoice line bills, next to its plan, as Stripe answers both."""
        return store.get(f"price:{line.plan.id}") if line.plan is not None else None

    Subscription.__init__ = create_with_prices
    Subscription._update = update_with_prices
    SubscriptionItem.price = property(price_of)
    InvoiceLineItem.price = property(price_of)
    for method, url, view in (
        ("POST", "/v1/prices", api_create),
        ("GET", "/v1/prices/{id}", api_retrieve),
        ("GET", "/v1/prices", api_list_all),
    ):
        app.router.add_route(method, url, view(Price, url))


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
