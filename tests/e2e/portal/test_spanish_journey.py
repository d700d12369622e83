"""One journey in Spanish (issue 27): a resident chooses Español in the
footer and the choice holds from page to page — log in, the dashboard, a
permit with its fees and its date written day first, the Checkout Summary,
a search refused next to its field; a staff member whose browser prefers
Spanish gets it without choosing, and moves a permit along in Spanish; a
switch back to English. axe on every page (``lang="es"`` included)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import RESIDENT, accessible, permit_with_fees, shot, staff_permit, suite_now

ADMIN = "admin@demo.example.org"


def _spanish_day(suite: Any) -> str:
    """Today in Boise as the Spanish pages write it: the day first."""
    today = suite_now(suite)
    return f"{today.day}/{today.month}/{today.year}"


def test_a_resident_works_in_spanish_after_choosing_it(page: Page, suite: Any) -> None:
    number = permit_with_fees(suite, "15 S Calle Uno", (("BUILDING PERMIT FEE", "1023.98"),))
    page.goto(f"{suite.portal}/j/demo/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    main_menu = page.get_by_role("navigation", name="Principal")
    accessible(page)
    main_menu.get_by_role("link", name="Iniciar sesión").click()
    expect(page.locator("h1")).to_have_text("Iniciar sesión")
    page.fill("#email", RESIDENT)
    page.fill("#password", suite.passwords[RESIDENT])
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator("h1")).to_have_text("Mi panel")
    expect(page.locator("main")).to_contain_text("Mis permisos activos")
    accessible(page)

    page.get_by_role("link", name=number).first.click()
    expect(page.locator("h1")).to_have_text(f"Permiso {number}")
    facts = page.locator(".portal-facts")
    expect(facts).to_contain_text("Tarifas pendientes")
    expect(facts).to_contain_text("$1,023.98")
    expect(facts).to_contain_text(re.compile(rf"\b{re.escape(_spanish_day(suite))}\b"))
    accessible(page)
    shot(page, "spanish-permit")
    page.get_by_role("button", name="Pagar tarifas ($1,023.98)").click()
    expect(page.locator("h1")).to_have_text("Resumen del pago")
    accessible(page)

    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Buscar permiso"
    ).click()
    page.get_by_role("button", name="Buscar").click()
    error = page.locator(".usa-error-message")
    expect(error).to_contain_text("Escriba un número de permiso")
    accessible(page)

    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Search Permit")


def test_staff_whose_browser_prefers_spanish_review_in_spanish(
    browser: Browser, suite: Any
) -> None:
    permit = staff_permit(suite, "31 N Calle Revisión", RESIDENT)
    context = browser.new_context(locale="es-MX", viewport={"width": 1200, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(f"{suite.portal}/j/demo/login")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.fill("#email", ADMIN)
        page.fill("#password", suite.passwords[ADMIN])
        page.get_by_role("button", name="Iniciar sesión").click()
        expect(page.locator("h1")).to_have_text("Colas de trabajo")
        accessible(page)
        menu = page.get_by_role("navigation", name="Principal")
        menu.get_by_role("link", name="Revisión de permisos").click()
        expect(page.locator("h1")).to_have_text("Revisión de permisos")
        accessible(page)
        page.get_by_role("link", name=permit["number"]).click()
        expect(page.locator("h1")).to_have_text(f"Permiso {permit['number']}")
        expect(page.locator("main")).to_contain_text("ENVIADO")
        accessible(page)
        shot(page, "spanish-staff-permit")
        page.locator("main").locator("label", has_text=re.compile("^EN REVISIÓN$")).click()
        page.get_by_role("button", name="Mover el permiso").click()
        expect(page.locator("main")).to_contain_text(
            f"El permiso {permit['number']} ahora está EN REVISIÓN."
        )
        accessible(page)
    finally:
        context.close()
