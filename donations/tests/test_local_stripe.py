"""The fills `donations/local_stripe.py` adds to localstripe 1.15.10: what they answer, and a check that notices when
localstripe does it itself or changes the internals a fill wraps (then the fill is deleted or mended)."""

import inspect
from pathlib import Path

import localstripe
import pytest
import requests
from localstripe import resources, server

from .conftest import KEYS, card_payment_method

AUTH = (KEYS["ch"]["secret"], "")
PRODUCT = "fill-test-product"


def parameters(function):
    return set(inspect.signature(function).parameters)


# --- localstripe as installed, without the fills (they are added only to the process LocalStripe starts) ------


def test_localstripe_still_has_no_prices():
    assert not hasattr(resources, "Price")
    assert not any(resource.canonical.startswith("/v1/prices") for resource in server.app.router.resources())
    assert not hasattr(resources.SubscriptionItem, "price")
    assert not hasattr(resources.InvoiceLineItem, "price")
    assert "price" not in parameters(resources.SubscriptionItem.__init__)


def test_the_internals_the_price_fill_wraps_are_the_ones_it_was_written_for():
    # Subscriptions take their items as dicts naming a plan, on creation and on update.
    assert {"customer", "items"} <= parameters(resources.Subscription.__init__)
    assert "items" in parameters(resources.Subscription._update)
    assert "plan" in parameters(resources.SubscriptionItem.__init__)
    # A Plan can be made with a given id: the price's twin, which subscriptions and invoices bill.
    assert {"id", "amount", "currency", "interval", "interval_count", "product", "nickname"} <= parameters(
        resources.Plan.__init__
    )
    # Objects are kept in one store under "<object>:<id>" and read back by id.
    assert "store.get(cls.object + ':' + id)" in inspect.getsource(resources.StripeObject._api_retrieve)
    assert isinstance(resources.store, dict)
    # Invoice lines copy their subscription item's plan.
    assert "self.plan = item.plan" in inspect.getsource(resources.InvoiceLineItem.__init__)
    for name in ("api_create", "api_retrieve", "api_list_all"):
        assert callable(getattr(server, name))
    assert callable(resources.try_convert_to_int)
    assert callable(resources.schedule_webhook)


def test_localstripe_still_lacks_what_the_other_fills_add():
    script = (Path(localstripe.__file__).parent / "localstripe-v3.js").read_text()
    assert "createPaymentMethod: async () => {}" in script
    assert "default_payment_method" not in parameters(resources.Subscription._update)


# --- The fills, over HTTP, on the localstripe the tests start ----------------------------------------------------


def post(localstripe, path, data):
    return requests.post(f"{localstripe}/v1/{path}", data=data, auth=AUTH, timeout=10)


def get(localstripe, path, **params):
    return requests.get(f"{localstripe}/v1/{path}", params=params, auth=AUTH, timeout=10)


def listed_ids(localstripe, path):
    """Every id of a list, page after page (the session's localstripe holds other tests' objects too)."""
    ids, page = [], {"has_more": True}
    while page["has_more"]:
        page = get(localstripe, path, limit=100, **({"starting_after": ids[-1]} if ids else {})).json()
        ids += [listed["id"] for listed in page["data"]]
    return ids


@pytest.fixture
def customer(localstripe):
    """A customer paying with the test card 4242, and the product the prices belong to."""
    if get(localstripe, f"products/{PRODUCT}").status_code == 404:
        post(localstripe, "products", {"id": PRODUCT, "name": "Fill test"}).raise_for_status()
    card = card_payment_method(localstripe, "4242424242424242")
    answer = post(
        localstripe, "customers", {"payment_method": card, "invoice_settings[default_payment_method]": card}
    )
    answer.raise_for_status()
    return answer.json()["id"]


PRICE_DATA = {
    "items[0][price_data][currency]": "chf",
    "items[0][price_data][product]": PRODUCT,
    "items[0][price_data][unit_amount]": "2000",
    "items[0][price_data][recurring][interval]": "month",
}


def test_a_price_is_created_retrieved_listed_and_read_as_a_plan_of_the_same_id(localstripe, customer):
    created = post(
        localstripe,
        "prices",
        {"currency": "eur", "unit_amount": "1500", "recurring[interval]": "month", "product": PRODUCT},
    )

    assert created.status_code == 200
    price = created.json()
    assert price["id"].startswith("price_")
    assert (price["object"], price["type"], price["unit_amount"], price["unit_amount_decimal"]) == (
        "price",
        "recurring",
        1500,
        "1500",
    )
    assert (price["recurring"]["interval"], price["recurring"]["interval_count"]) == ("month", 1)
    assert get(localstripe, f"prices/{price['id']}").json() == price
    assert price["id"] in listed_ids(localstripe, "prices")
    plan = get(localstripe, f"plans/{price['id']}").json()
    assert (plan["amount"], plan["currency"], plan["interval"], plan["product"]) == (
        1500,
        "eur",
        "month",
        PRODUCT,
    )


@pytest.mark.parametrize(
    "data, status",
    [
        (
            {"currency": "eur", "unit_amount": "1500", "recurring[interval]": "month", "product": "no-such"},
            404,
        ),
        ({"currency": "eur", "unit_amount": "many", "recurring[interval]": "month", "product": PRODUCT}, 400),
        ({"currency": "eur", "unit_amount": "1500", "product": PRODUCT}, 400),
        (
            {
                "currency": "eur",
                "unit_amount": "1500",
                "recurring[interval]": "fortnight",
                "product": PRODUCT,
            },
            400,
        ),
    ],
)
def test_a_price_stripe_would_refuse_is_refused(localstripe, customer, data, status):
    assert post(localstripe, "prices", data).status_code == status


def test_a_subscription_item_by_price_data_answers_its_price_and_plan_and_bills_it(localstripe, customer):
    answer = post(localstripe, "subscriptions", {"customer": customer, **PRICE_DATA})

    assert answer.status_code == 200
    subscription = answer.json()
    (item,) = subscription["items"]["data"]
    assert (item["price"]["object"], item["price"]["unit_amount"], item["price"]["currency"]) == (
        "price",
        2000,
        "chf",
    )
    assert (item["plan"]["id"], item["plan"]["amount"]) == (item["price"]["id"], 2000)
    assert subscription["status"] == "active"
    invoice = get(localstripe, f"invoices/{subscription['latest_invoice']}").json()
    assert (invoice["amount_paid"], invoice["status"]) == (2000, "paid")
    (line,) = invoice["lines"]["data"]
    assert line["price"]["id"] == item["price"]["id"]


def test_a_subscription_moves_to_another_price_by_id_or_by_price_data(localstripe, customer):
    subscription = post(localstripe, "subscriptions", {"customer": customer, **PRICE_DATA}).json()
    item = subscription["items"]["data"][0]["id"]
    price = post(
        localstripe,
        "prices",
        {"currency": "chf", "unit_amount": "3500", "recurring[interval]": "month", "product": PRODUCT},
    ).json()

    moved = post(
        localstripe,
        f"subscriptions/{subscription['id']}",
        {"items[0][id]": item, "items[0][price]": price["id"]},
    )
    assert moved.status_code == 200
    assert moved.json()["items"]["data"][0]["price"]["id"] == price["id"]

    again = post(
        localstripe,
        f"subscriptions/{subscription['id']}",
        {
            "items[0][id]": moved.json()["items"]["data"][0]["id"],
            **{key: value for key, value in PRICE_DATA.items() if "unit_amount" not in key},
            "items[0][price_data][unit_amount]": "5000",
        },
    )
    assert again.status_code == 200
    (item,) = again.json()["items"]["data"]
    assert (item["price"]["unit_amount"], item["plan"]["amount"]) == (5000, 5000)


def test_an_unknown_price_or_a_price_with_a_plan_is_refused_and_changes_nothing(localstripe, customer):
    subscription = post(localstripe, "subscriptions", {"customer": customer, **PRICE_DATA}).json()
    item = subscription["items"]["data"][0]

    unknown = post(
        localstripe,
        f"subscriptions/{subscription['id']}",
        {"items[0][id]": item["id"], "items[0][price]": "price_none"},
    )
    both = post(
        localstripe,
        "subscriptions",
        {"customer": customer, "items[0][price]": item["price"]["id"], "items[0][plan]": item["plan"]["id"]},
    )

    assert (unknown.status_code, both.status_code) == (404, 400)
    assert (
        get(localstripe, f"subscriptions/{subscription['id']}").json()["items"]["data"][0]["price"]["id"]
        == (item["price"]["id"])
    )
