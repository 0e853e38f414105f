"""A real HTTP receiver on loopback for the webhook tests: http.server in a thread, answering per path."""

import http.server
import threading
import time

PORTS = range(8761, 8770)  # this branch's ports


class Receiver:
    """Records every request (path, headers, raw body); `/ok…` answers 200, `/fail…` 500, `/hang…`
    answers only after `hang_seconds`, any path in `answers` what it says there."""

    def __init__(self, hang_seconds=3):
        self.requests = []
        self.answers = {}
        self.hang_seconds = hang_seconds
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.path, dict(self.headers), body))
                status = receiver.answers.get(self.path)
                if status is None:
                    if self.path.startswith("/hang"):
                        time.sleep(receiver.hang_seconds)
                    status = 500 if self.path.startswith("/fail") else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError(f"No free port in {PORTS} for the test receiver")
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def received(self, path):
        return [(headers, body) for got, headers, body in self.requests if got == path]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
