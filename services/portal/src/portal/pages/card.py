"""The printable permit card, once a permit is issued: a print layout of the
page, and the same card as a PDF (``…/card.pdf``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from portal.formats import day_text
from portal.i18n import N_, gettext
from portal.printed import CardFacts, card_pdf
from portal.web import Page, UserPage, company_names, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")
ISSUED = ("ISSUED", "FINALED")  # a permit whose card may be posted


async def _facts(page: Page, permit_id: str) -> CardFacts | None:
    found = await page.member().permit(permit_id)
    if found.status not in ISSUED:
        return None
    assert page.jurisdiction is not None
    zone = page.time_zone
    names = await company_names(page, found.company_ids)
    public_page = page.path("public_permit", number=found.number)  # the result's page
    verify = str(page.request.base_url).rstrip("/") + public_page
    return CardFacts(
        jurisdiction=page.jurisdiction.name,
        number=found.number,
        type_name=found.type_name or found.type_code,
        address=found.address,
        issued=day_text(found.issued_at, zone),
        expires=day_text(found.expires_at, zone) if found.expires_at else "—",
        holder=found.holder or "—",
        contractors=[n for n in names.values() if n],
        description=found.description or "",
        verify_url=verify,
    )


def _not_issued(page: Page) -> Response:
    return page.render(
        "error.html",
        409,
        title=N_("Not issued yet"),
        message=N_("A permit card can be printed once the permit is issued."),
    )


@router.get("/permits/{permit_id}/card")
async def card(page: UserPage, permit_id: str = object_id()) -> Response:
    facts = await _facts(page, permit_id)
    if facts is None:
        return _not_issued(page)
    return page.render(
        "permit_card.html",
        title=gettext("Permit card {number}").format(number=facts.number),
        card=facts,
        permit_id=permit_id,
    )


@router.get("/permits/{permit_id}/card.pdf")
async def card_as_pdf(page: UserPage, permit_id: str = object_id()) -> Response:
    facts = await _facts(page, permit_id)
    if facts is None:
        return _not_issued(page)
    return Response(
        card_pdf(facts),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="permit-{facts.number}.pdf"'},
    )
