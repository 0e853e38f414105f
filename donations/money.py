"""Amounts as integer minor units by currency exponent (CHF/EUR cents, XOF has none)."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format

# ISO 4217 exponents of the currencies sections use.
EXPONENTS = {"CHF": 2, "EUR": 2, "XOF": 0}


def exponent(currency):
    return EXPONENTS[currency.upper()]


def parse(value):
    """A typed amount as a Decimal ("50", "50.5", "50,50", "5 000"); ValueError if it is not a number."""
    text = str(value).strip().replace(",", ".").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error
    if not amount.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return amount


def is_number(value):
    try:
        parse(value)
    except ValueError:
        return False
    return True


def to_minor(value, currency):
    """Major units typed by a person (Decimal, int or str) to integer minor units.

    Raises ValueError for anything that is not an amount in this currency:
    non-numeric text, or more decimals than the currency has (5000.5 XOF).
    """
    minor = parse(value).scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"too many decimals for {currency}: {value!r}")
    return int(minor)


def to_major(minor, currency):
    """Integer minor units to a Decimal in major units (5000 CHF cents -> Decimal('50.00'))."""
    return Decimal(minor).scaleb(-exponent(currency))


def plain_amount(minor, currency):
    """An amount as a person types it back into a field: '20', '20.50', '5000' (no grouping, no currency)."""
    major = to_major(minor, currency)
    return str(int(major)) if major == major.to_integral_value() else str(major)


def format_amount(minor, currency, use_l10n=True):
    """A readable amount in the active language, e.g. '50.00 CHF', '5 000 XOF'."""
    places = exponent(currency)
    major = to_major(minor, currency)
    # Whole amounts read better without decimals: "50 CHF", not "50.00 CHF".
    if major == major.to_integral_value():
        places = 0
    text = number_format(major, decimal_pos=places, use_l10n=use_l10n, force_grouping=True)
    return f"{text}\u00a0{currency}"


def after_deduction(minor, rate):
    """What a gift costs once `rate` percent is deducted from taxes, in minor units (rounded up)."""
    if not rate:
        return minor
    kept = Decimal(minor) * (100 - rate) / 100
    return int(kept.to_integral_value(rounding="ROUND_CEILING"))
