"""The gateway's answers as typed models (issue 24): the fields the portal
relies on are checked where the answer arrives; the rest of the document
stays for the templates; an answer the API does not promise is the API
failing (a friendly 503 page), not a 500 from deep in a page."""

from __future__ import annotations

import pytest

from portal.answers import Cart, Jurisdiction, Listed, Payment, Permit
from portal.gateway import Unavailable, read

CART = {
    "permits": [{"permit_id": "p1", "number": "RES26-0001", "lines": []}],
    "methods": [
        {"code": "card", "label": "Card - 3%", "convenience_fee": "3.00", "total_due": "103.00"},
        {"code": "echeck", "label": "eCheck", "convenience_fee": "1.50", "total_due": "101.50"},
    ],
    "currency": "USD",
    "total_fees": "100.00",
    "convenience_fee": "3.00",
    "total_due": "103.00",
    "convenience_fee_label": "Access Idaho Fee",
}


def test_r_pay_4_the_totals_shown_are_the_chosen_methods() -> None:
    cart = read(Cart, CART)
    chosen = cart.offer("echeck")
    assert chosen is not None
    shown = cart.choosing(chosen)
    assert (shown.convenience_fee, shown.total_due) == ("1.50", "101.50")
    assert cart.offer("bitcoin") == cart.methods[0]  # not offered: the first
    assert shown.convenience_fee_label == "Access Idaho Fee"  # the rest rides along


def test_an_answer_missing_what_the_portal_relies_on_is_the_api_failing() -> None:
    with pytest.raises(Unavailable, match="unexpected"):
        read(Payment, {"id": "pay_1", "status": "SETTLED"})
    with pytest.raises(Unavailable):
        read(Listed[Permit], {"items": [{"id": "p1"}]})


def test_a_permit_cards_address_and_holder() -> None:
    permit = read(
        Permit,
        {
            "id": "p1",
            "number": "RES26-0001",
            "type_code": "RES",
            "status": "ISSUED",
            "site": {"street": "1 Main St", "city": "Kuna", "state": "ID", "zip": "83634"},
            "applicant": {"name": "Rich"},
            "owner": None,
            "issued_at": "2026-12-06T03:50:00Z",
        },
    )
    assert permit.address == "1 Main St, Kuna, ID 83634"
    assert permit.holder == "Rich" and permit.issued_at is not None


def test_a_jurisdiction_shows_its_branded_name() -> None:
    plain = read(
        Jurisdiction, {"id": "kuna", "name": "City of Kuna", "time_zone": "UTC", "branding": None}
    )
    assert plain.shown().name == "City of Kuna" and plain.time_zone == "UTC"
    branded = read(
        Jurisdiction,
        {
            "id": "kuna",
            "name": "Kuna",
            "time_zone": "America/Boise",
            "branding": {"display_name": "Kuna Building", "logo_url": "https://kuna.example/l.png"},
        },
    )
    assert branded.shown().name == "Kuna Building" and branded.logo_url is not None
