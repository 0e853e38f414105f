"""`make run`: the demo sections on runserver, with Stripe faked by a fresh localstripe on loopback."""

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand

from donations.local_stripe import TEST_CARD, LocalStripe, connect_demo_sections


class Command(BaseCommand):
    help = "Serve the demo with runserver; donations go to a localstripe started on loopback for this run."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port, **options):
        with LocalStripe() as stripe:
            environment = connect_demo_sections(stripe, f"http://127.0.0.1:{port}")
            self.stdout.write(
                f"Donations go to localstripe at {stripe.url} (a local fake of Stripe, empty at each run): "
                f"pay with the test card {TEST_CARD}, any future date and any CVC. The receipt email is "
                "printed here once localstripe's webhook has confirmed the payment (about a second later)."
            )
            command = [sys.executable, "manage.py", "runserver", f"0.0.0.0:{port}"]
            server = subprocess.Popen(command, env={**os.environ, **environment})
            # Stopped with the demo: by Ctrl-C (the terminal sends it to both) or by a TERM to this command.
            signal.signal(signal.SIGTERM, lambda *args: server.terminate())
            try:
                server.wait()
            except KeyboardInterrupt:
                server.wait()
