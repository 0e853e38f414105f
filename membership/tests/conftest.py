"""The donation tests' fixtures (localstripe on loopback, per-section Stripe keys, demo donation pages), for the fee."""

from donations.tests.conftest import donation_pages, localstripe, stripe_env, stripe_keys  # noqa: F401
