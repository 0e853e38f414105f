"""PayGate Global on loopback for the mobile-money tests: its API's answers from recorded files
(`recorded/paygate/`), and what a donor and PayGate post to us."""

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from .conftest import donate

RECORDED = Path(__file__).parent / "recorded" / "paygate"
KEYS = {"tg": "paygate-key-tg-5b1c", "ch": "paygate-key-ch-90ae"}


class RecordedPayGate(BaseHTTPRequestHandler):
    """PayGate's v1/pay and v2/status, answered from recorded files; `status` says which file each
    identifier's next status answers come from (one per call, the last one repeated)."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        server.requests.append({"path": self.path, "body": body})
        if self.path == "/api/v1/pay":
            answer = json.loads((RECORDED / f"{server.pay}.json").read_text())
        elif self.path == "/api/v2/status":
            queue = server.status.get(body.get("identifier"), ["status_pending"])
            name = queue.pop(0) if len(queue) > 1 else queue[0]
            answer = json.loads((RECORDED / f"{name}.json").read_text())
            answer["identifier"] = body.get("identifier")
        else:
            self.send_response(404)
            self.end_headers()
            return
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def give(client, **fields):
    data = {"method": "mobile_money", "mobile_network": "FLOOZ", "mobile_phone": "96 12 34 56"}
    data.update(fields)
    return donate(client, "tg", **data)


def notify(client, code, identifier, **extra):
    """A notification as PayGate posts it (JSON), with whatever a forger may add."""
    body = {
        "tx_reference": "17384561",
        "identifier": identifier,
        "payment_reference": "MP261206.1015.C41872",
        "amount": 5000,
        "datetime": "2026-12-06 10:15:32",
        "payment_method": "FLOOZ",
        "phone_number": "96123456",
        **extra,
    }
    return client.post(f"/donations/mobile-money/{code}/", json.dumps(body), content_type="application/json")


def status_calls(server):
    return [request for request in server.requests if request["path"] == "/api/v2/status"]
