"""Makes sure `make test` has the headless Chromium its browser tests drive: installs Debian's package when it can.

Browser download tools (`playwright install`) do not work on our machines, so the suite uses the
system's Chromium (CHROMIUM_PATH, default /usr/bin/chromium, as in conftest.py).
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def can_install():
    return shutil.which("apt-get") is not None and os.geteuid() == 0


def main():
    if os.path.exists(CHROMIUM):
        return
    if not can_install():
        sys.exit(
            f"Chromium is missing at {CHROMIUM}: install Debian's package as root "
            "(`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium, then run `make test` again."
        )
    print(f"Chromium is missing at {CHROMIUM}: installing Debian's package (apt-get install chromium).")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"],
        check=True,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    if not os.path.exists(CHROMIUM):
        sys.exit(f"Debian's chromium package is installed but {CHROMIUM} does not exist: set CHROMIUM_PATH.")


if __name__ == "__main__":
    main()
