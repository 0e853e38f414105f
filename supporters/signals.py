"""Signals of the kernel, so that the apps that use it act on what it does without it importing them."""

from django.dispatch import Signal

# Sent inside the erasure's transaction, with the supporter's row locked and before their rows are
# blanked: `supporter` (still holding their data). Receivers that reach out (Stripe) do so on commit.
supporter_erased = Signal()
