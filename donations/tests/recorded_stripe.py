"""Stripe's API at the HTTP boundary, from recorded answers (`recorded/`), for what localstripe does not do.

localstripe ignores idempotency keys and knows neither TWINT nor `mandate_data`; this server answers as
Stripe does for the calls Plaidoyer makes: a repeated Idempotency-Key replays the first answer (or, with
other parameters, answers Stripe's 400 `idempotency_error`), and each
request is kept (path, headers, parameters) for the test to read. `refuse` makes one path answer one of
Stripe's recorded errors instead.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "recorded"

CREATED = {
    "/v1/customers": "customer",
    "/v1/payment_methods": "payment_method_sepa_debit",
    "/v1/setup_intents": "setup_intent_sepa_debit",
    "/v1/subscriptions": "subscription_sepa_debit",
}
# A PaymentIntent's answer depends on the method it is created for.
PAYMENT_INTENTS = {
    "card": "payment_intent",
    "sepa_debit": "payment_intent_sepa_debit",
    "twint": "payment_intent_twint",
}
RETRIEVED = {
    "/v1/products/": "product",
    "/v1/subscriptions/": "subscription_sepa_debit",
}
# An update answers the object with the parameters set (the ones Plaidoyer sends are flat or one level deep).
UPDATED = {"/v1/customers/": "customer", "/v1/subscriptions/": "subscription_sepa_debit"}


def recorded(name):
    return json.loads((RECORDED / f"{name}.json").read_text())


def updated(answer, object_id, params):
    """`answer` for `object_id` with the posted form parameters (`a[b]=c`) set in it, as Stripe answers an update."""
    answer["id"] = object_id
    for key, (value, *_others) in params.items():
        *parents, field = key.replace("]", "").split("[")
        target = answer
        for parent in parents:
            if not isinstance(target.get(parent), dict):
                target[parent] = {}
            target = target[parent]
        target[field] = value
    return answer


class RecordedStripe(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        self.server.requests.append(
            {"method": "GET", "path": path, "headers": dict(self.headers), "params": {}}
        )
        for prefix, name in RETRIEVED.items():
            if path.startswith(prefix):
                answer = recorded(name)
                answer["id"] = path.removeprefix(prefix)
                return self.answer(200, answer)
        return self.answer(404, {"error": {"type": "invalid_request_error", "message": "No such object"}})

    def do_POST(self):  # noqa: N802
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        params = parse_qs(body)
        server.requests.append(
            {"method": "POST", "path": self.path, "headers": dict(self.headers), "params": params}
        )
        if self.path in server.refusals:
            status, name = server.refusals[self.path]
            return self.answer(status, recorded(name))
        for prefix, name in UPDATED.items():
            if self.path.startswith(prefix):
                return self.answer(200, updated(recorded(name), self.path.removeprefix(prefix), params))
        key = self.headers.get("Idempotency-Key")
        if key in server.answers:
            first_params, first_answer = server.answers[key]
            if params != first_params:
                return self.answer(400, recorded("error_idempotency"))
            return self.answer(200, first_answer)
        if self.path == "/v1/payment_intents":
            name = PAYMENT_INTENTS[params.get("payment_method_types[0]", ["card"])[0]]
        else:
            name = CREATED[self.path]
        answer = recorded(name)
        server.created[name] = server.created.get(name, 0) + 1
        answer["id"] = f"{answer['id']}{server.created[name]}"
        if "client_secret" in answer:
            answer["client_secret"] = f"{answer['id']}_secret_recorded"
        server.answers[key] = (params, answer)
        return self.answer(200, answer)

    def answer(self, status, answer):
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Request-Id", "req_recorded")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class RecordedStripeServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), RecordedStripe)
        self.requests, self.answers, self.created, self.refusals = [], {}, {}, {}
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def refuse(self, path, status, name):
        """Stripe answers `path` with the recorded error `name` (e.g. an IBAN it cannot debit)."""
        self.refusals[path] = (status, name)

    def posted(self, path):
        """The parameters of every POST to `path`, in order."""
        return [
            request["params"]
            for request in self.requests
            if request["method"] == "POST" and request["path"] == path
        ]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.shutdown()
        self.server_close()
