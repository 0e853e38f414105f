"""Signals other apps listen to: a gift's payment confirmed by Stripe (e.g. a membership fee paid)."""

from django.dispatch import Signal

# Sent with `donation` when a verified webhook first moves it to succeeded, inside that transaction.
donation_succeeded = Signal()
