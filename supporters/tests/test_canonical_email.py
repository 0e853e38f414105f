"""One mailbox, one canonical address: case, spaces, and the dot and plus variants of providers that ignore them."""

import pytest

from supporters.emails import canonical_email


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("  Anna.Wright@Example.ORG ", "anna.wright@example.org"),
        ("anna.wright+petition@gmail.com", "annawright@gmail.com"),
        ("A.N.N.A.Wright@googlemail.com", "annawright@gmail.com"),
        ("anna+belarus@outlook.com", "anna@outlook.com"),
        ("anna.wright@outlook.com", "anna.wright@outlook.com"),  # Outlook keeps dots
        ("anna+tag@example.org", "anna+tag@example.org"),  # unknown providers keep everything
        ("Anna@Proton.me", "anna@proton.me"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_canonical_forms(typed, canonical):
    assert canonical_email(typed) == canonical


def test_variants_of_one_gmail_mailbox_collapse():
    variants = [
        "maryia.k@gmail.com",
        "MaryiaK@gmail.com",
        "m.a.r.y.i.a.k+sign@googlemail.com",
        " maryiak@GMAIL.com",
    ]
    assert {canonical_email(v) for v in variants} == {"maryiak@gmail.com"}
