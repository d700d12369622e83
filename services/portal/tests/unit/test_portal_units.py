"""The portal's own rules, without a browser: safe redirects, CSRF tokens,
how API problems become field messages, and the seeds' formats."""

from __future__ import annotations

import httpx
import pytest

from chassis.errors import field_error
from portal.formats import day_text, moment_text, money
from portal.gateway import ApiProblem
from portal.pages.inspections import clock_label
from portal.security import content_security_policy, origin_of, safe_next
from portal.sessions import csrf_ok, csrf_token
from portal.web import TEMPLATES


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/j/demo/cart", "/j/demo/cart"),
        (None, "/home"),
        ("", "/home"),
        ("https://evil.example/x", "/home"),
        ("//evil.example/x", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("relative/path", "/home"),
        ("/ok\r\nSet-Cookie: x=1", "/home"),
    ],
)
def test_only_paths_on_this_site_are_followed(target: str | None, expected: str) -> None:
    """Open redirects refused (issue 15, security)."""
    assert safe_next(target, "/home") == expected


def test_csrf_tokens_belong_to_one_visitor() -> None:
    token = csrf_token("secret", "visitor-a")
    assert csrf_ok("secret", "visitor-a", token)
    assert not csrf_ok("secret", "visitor-b", token)
    assert not csrf_ok("other secret", "visitor-a", token)
    assert not csrf_ok("secret", "visitor-a", None)
    assert not csrf_ok("secret", None, token)


def test_a_problem_names_its_fields() -> None:
    """The services' problem+json, as the chassis writes it: each field's own
    message, not a generic one."""
    response = httpx.Response(
        422,
        json={
            "title": "Unprocessable",
            "detail": "password too short",
            "errors": [field_error("new_password", "at least 8 characters")],
        },
    )
    problem = ApiProblem.of(response)
    assert problem.status == 422
    assert problem.errors == {"new_password": "at least 8 characters"}
    assert problem.detail == "password too short"
    garbled = ApiProblem.of(httpx.Response(409, text="<html>conflict</html>"))
    assert garbled.status == 409 and garbled.errors == {}


def test_amounts_dates_and_clock_times_read_as_the_seeds_write_them() -> None:
    assert money("1023.98") == "$1,023.98"
    assert money("0") == "$0.00"
    assert money("-5.5") == "-$5.50"
    # issue 24: the portal wrote "$" whatever the payment's currency
    assert money("1234.5", "EUR") == "€1,234.50" and money("12", "CHF") == "12.00 CHF"
    template = TEMPLATES.env.from_string("{{ a | money }} {{ a | money('GBP') }}")
    assert template.render(currency="EUR", a="3.5") == "€3.50 £3.50"
    assert day_text("2026-12-01", "America/Boise") == "Tue 12/1/2026"
    assert clock_label("16:00") == "4:00 PM"
    assert clock_label("06:00") == "6:00 AM"


def test_an_evening_payment_is_dated_the_jurisdictions_day_not_utcs() -> None:
    """Issue 23, defect 2: at 8:50 PM in Boise on 12/5 (03:50 UTC on 12/6) the
    web receipt said 2026-12-06 while the emailed one said December 5."""
    paid_at = "2026-12-06T03:50:00Z"
    assert day_text(paid_at, "America/Boise") == "Sat 12/5/2026"
    assert moment_text(paid_at, "America/Boise") == "Sat 12/5/2026 8:50 PM MST"
    assert moment_text("2026-07-04T18:05:00+00:00", "America/Boise") == "Sat 7/4/2026 12:05 PM MDT"
    # a plain date (an inspection's day) is that day wherever one is
    assert day_text("2026-12-07", "Pacific/Kiritimati") == "Mon 12/7/2026"
    # an unknown zone or an unreadable value never breaks a page
    assert day_text(paid_at, "Nowhere/Else") == "Sun 12/6/2026"
    assert day_text("soon", "America/Boise") == "soon"


def test_a_logo_adds_only_its_plain_origin_to_the_image_sources() -> None:
    assert origin_of("https://cdn.example.gov/img/logo.png?v=2") == "https://cdn.example.gov"
    assert origin_of("http://localhost:8080/l.png") == "http://localhost:8080"
    for bad in ("javascript:alert(1)", "https://evil;script-src *", "//x.example/l.png", None):
        assert origin_of(bad) is None, bad
    policy = content_security_policy([], ["https://cdn.example.gov"])
    assert "img-src 'self' data: https://cdn.example.gov;" in policy


def test_forms_may_lead_only_here_and_to_the_payment_provider() -> None:
    policy = content_security_policy(["https://pay.example"])
    assert "form-action 'self' https://pay.example" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy


def test_a_receipt_pdf_prints_cyrillic_and_greek_names() -> None:
    """Issue 23: the payer's name prints whatever its script — Source Sans has
    no Cyrillic or Greek letters, so the vendored DejaVu Sans stands in."""
    import io

    from pypdf import PdfReader

    from portal.printed import ReceiptFacts, receipt_pdf

    facts = ReceiptFacts(
        jurisdiction="Demo County",
        number="R2026-000001",
        received="Sat 12/5/2026 8:50 PM MST",
        method="Credit Card - 3%",
        reference="pi_123",
        payer="Иван Петров, Νίκος Παππάς",
        lines=[("RES26-0003", "PLANNING", "$35.00")],
        totals=[("Total", "$35.00")],
    )
    text = PdfReader(io.BytesIO(receipt_pdf(facts))).pages[0].extract_text()
    assert "Иван Петров" in text and "Νίκος Παππάς" in text
