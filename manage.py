#!/usr/bin/env python
"""Django's command-line utility for Plaidoyer."""

import os
import sys
from pathlib import Path

# The site-wide packages live in site/ (see README: the stdlib owns `site`).
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaidoyer.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
