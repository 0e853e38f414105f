"""Amounts typed in major units become integer minor units by the currency's exponent."""

import pytest
from django.utils import translation

from donations import money


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("50", "CHF", 5000),
        ("50.5", "CHF", 5050),
        ("50,55", "EUR", 5055),
        ("5000", "XOF", 5000),
        ("5 000", "XOF", 5000),
        (60, "CHF", 6000),
    ],
)
def test_major_units_become_minor_units(typed, currency, minor):
    assert money.to_minor(typed, currency) == minor


@pytest.mark.parametrize(("typed", "currency"), [("5000.5", "XOF"), ("1,5", "XOF"), ("10.001", "CHF")])
def test_more_decimals_than_the_currency_has_are_refused(typed, currency):
    with pytest.raises(ValueError):
        money.to_minor(typed, currency)


@pytest.mark.parametrize("typed", ["fifty", "", "NaN", "Infinity", "1/2"])
def test_text_that_is_not_a_number_is_refused(typed):
    assert not money.is_number(typed)
    with pytest.raises(ValueError):
        money.to_minor(typed, "CHF")


def test_amounts_read_in_the_visitors_language():
    with translation.override("fr"):
        assert money.format_amount(5000, "XOF") == "5\u00a0000\u00a0XOF"
        assert money.format_amount(5050, "CHF") == "50,50\u00a0CHF"
    with translation.override("de"):
        assert money.format_amount(6000, "CHF") == "60\u00a0CHF"


def test_cost_after_a_66_percent_tax_deduction():
    assert money.after_deduction(5000, 66) == 1700
    assert money.after_deduction(5000, None) == 5000
    # Rounded up to the next minor unit, never below what the donor pays.
    assert money.after_deduction(1001, 66) == 341
