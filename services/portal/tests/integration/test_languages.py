"""Spanish as the second language of every page (issue 27), against a
scripted API: the visitor chooses it in the footer and it is remembered;
before a choice the browser's preference decides; the page says which
language it is in (``<html lang>``); a staff page's dates, statuses and the
portal's own refusals read in Spanish, while a refusal the catalog does not
know stays as the service wrote it; error pages follow the choice too."""

from __future__ import annotations

import httpx
import pytest

from .conftest import Portal, csrf_in, scripted_login
from .test_staff_pages import staff_api

pytestmark = pytest.mark.integration


def public_api(request: httpx.Request) -> httpx.Response:
    return scripted_login(request, []) or httpx.Response(404, json={"title": "Not found"})


async def test_the_visitor_chooses_spanish_and_it_is_remembered(portal: Portal) -> None:
    portal.api(public_api)
    home = await portal.client.get("/j/demo/")
    assert '<html lang="en">' in home.text and "Log in" in home.text
    assert 'href="/language/es?next=/j/demo/"' in home.text and 'hreflang="es"' in home.text
    chosen = await portal.client.get("/language/es", params={"next": "/j/demo/login"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/j/demo/login"
    assert "portal_lang=es" in chosen.headers["set-cookie"]
    assert "Max-Age=31536000" in chosen.headers["set-cookie"]
    login = await portal.client.get("/j/demo/login")
    assert '<html lang="es">' in login.text
    assert "Iniciar sesión" in login.text and "Log in" not in login.text
    assert "Saltar al contenido principal" in login.text
    again = await portal.client.get("/j/demo/")  # remembered on the next visit
    assert '<html lang="es">' in again.text and "Permisos en línea" in again.text
    back = await portal.client.get("/language/en", params={"next": "/j/demo/"})
    assert back.status_code == 303
    assert '<html lang="en">' in (await portal.client.get("/j/demo/")).text


async def test_before_a_choice_the_browsers_preference_decides(portal: Portal) -> None:
    portal.api(public_api)
    spanish = await portal.client.get("/j/demo/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in spanish.text
    french = await portal.client.get("/j/demo/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="en">' in french.text
    portal.client.cookies.set("portal_lang", "en")
    chose = await portal.client.get("/j/demo/", headers={"Accept-Language": "es-MX"})
    assert '<html lang="en">' in chose.text


@pytest.mark.parametrize(
    "elsewhere", ["//evil.example/", "https://evil.example/", "/\\evil", "/\t/evil.example"]
)
async def test_the_switch_only_returns_to_a_page_of_this_portal(
    portal: Portal, elsewhere: str
) -> None:
    switched = await portal.client.get("/language/es", params={"next": elsewhere})
    assert switched.status_code == 303 and switched.headers["location"] == "/"


async def test_a_language_not_offered_is_the_404_page(portal: Portal) -> None:
    portal.api(public_api)
    offered = await portal.client.get("/language/fr")
    assert offered.status_code == 404 and "portal_lang" not in offered.headers.get("set-cookie", "")


async def test_a_staff_page_in_spanish_with_its_dates_statuses_and_refusals(
    portal: Portal,
) -> None:
    """The inspector's day: the local date written day first, the status in
    Spanish, the portal's own refusal in Spanish next to its field."""
    portal.api(staff_api(["inspector"], []))
    await portal.log_in()
    await portal.client.get("/language/es")
    day = await portal.client.get("/j/demo/staff/inspections")
    assert day.status_code == 200 and '<html lang="es">' in day.text
    assert "Día del inspector" in day.text and "Área 83642" in day.text
    assert "PROGRAMADO" in day.text and "Registrar el resultado" in day.text
    token = csrf_in(day, "/j/demo/staff/inspections/i1/result")
    form = {"csrf_token": token, "result": "fail", "comments": "", "corrections": ""}
    said = await portal.client.post("/j/demo/staff/inspections/i1/result", data=form)
    assert said.status_code == 422
    assert "Enumere las correcciones necesarias para un rechazo" in said.text
    partial = {**form, "result": "partial"}
    refused = await portal.client.post("/j/demo/staff/inspections/i1/result", data=partial)
    assert "required for fail" in refused.text  # the service's words, as it wrote them


async def test_the_error_pages_follow_the_choice(portal: Portal) -> None:
    portal.api(public_api)
    portal.client.cookies.set("portal_lang", "es")
    missing = await portal.client.get("/j/demo/nothing-here")
    assert missing.status_code == 404 and '<html lang="es">' in missing.text
    assert "Página no encontrada" in missing.text
    assert "No hay nada aquí, o no es suyo." in missing.text
