"""Routes: a jurisdiction's BLDS open-data export (issue 26, item 4) — its
admins switch it public; then anyone may read it, as CSV or JSON pages."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from chassis.access import require_staff
from chassis.api import Tenant
from chassis.auth import within_scope
from chassis.errors import problem_responses
from chassis.principal import Principal
from chassis.refusals import Missing, Refused
from integrations.domain import blds
from integrations.domain.blds import Kind
from integrations.entrypoints.dependencies import App, IntegrationsApp
from integrations.entrypoints.schemas import ExportPageOut, OpenDataIn, OpenDataOut
from integrations.service_layer import open_data
from integrations.service_layer.unit_of_work import IntegrationsUnitOfWork

router = APIRouter(tags=["open data"], responses=problem_responses(401, 403, 404, 422))
EXPORT = "/open-data/blds/{kind}"
CSV_WINDOW = 1000
_bearer = HTTPBearer(auto_error=False, description="optional: an admin may read it unpublished")


async def maybe_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    principal: Principal = await request.app.state.runtime.verifier.verify(credentials.credentials)
    return within_scope(principal, request)


MaybeUser = Annotated[Principal | None, Depends(maybe_user)]


def _out(jurisdiction_id: str, doc: dict[str, Any]) -> OpenDataOut:
    rows = doc.get("rows") or {}
    base = f"/v1/jurisdictions/{jurisdiction_id}/open-data/blds"
    return OpenDataOut(
        public=bool(doc.get("public")),
        rows={kind: int(rows.get(kind, 0)) for kind in blds.KINDS},
        csv={kind: f"{base}/{kind}.csv" for kind in blds.KINDS},
        json={kind: f"{base}/{kind}" for kind in blds.KINDS},
    )


@router.get("/open-data", response_model=OpenDataOut, summary="The open-data export's state")
async def state(jurisdiction_id: str, user: Tenant, app: App) -> OpenDataOut:
    require_staff(user, jurisdiction_id, "admin")
    return _out(jurisdiction_id, await app.units.read(jurisdiction_id, _settings))


@router.put("/open-data", response_model=OpenDataOut, summary="Publish the export, or not")
async def publish(jurisdiction_id: str, body: OpenDataIn, user: Tenant, app: App) -> OpenDataOut:
    """``public: true``: the permits and inspections in BLDS form at one URL
    each, for anyone, without a login (no personal data is in them)."""
    require_staff(user, jurisdiction_id, "admin")
    cmd = open_data.SwitchExport(jurisdiction_id, body.public)
    doc = await app.units.handle(cmd, lambda c, uow: open_data.switch(c, uow.open_data))
    return _out(jurisdiction_id, doc)


async def _settings(uow: IntegrationsUnitOfWork) -> dict[str, Any]:
    return await open_data.settings_of(uow.open_data)


async def _readable(app: IntegrationsApp, jurisdiction_id: str, user: Principal | None) -> None:
    """Public when the jurisdiction published it; its admins may always read it."""
    if user is not None:
        try:
            require_staff(user, jurisdiction_id, "admin")
            return
        except Refused:
            pass
    if not (await app.units.read(jurisdiction_id, _settings)).get("public"):
        raise Missing("this jurisdiction publishes no open data")


async def _page(
    app: IntegrationsApp, jurisdiction_id: str, kind: Kind, after: int, limit: int
) -> open_data.ExportPage:
    query = open_data.ReadExport(jurisdiction_id, kind, after, limit)
    return await app.units.read(jurisdiction_id, lambda uow: open_data.export(query, uow.open_data))


@router.get(
    EXPORT + ".csv",
    summary="The export as CSV (BLDS field names)",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "description": "a header of BLDS field names, then one row each",
                    }
                }
            }
        }
    },
)
async def as_csv(jurisdiction_id: str, kind: Kind, user: MaybeUser, app: App) -> StreamingResponse:
    """Every row, in the order they first appeared, dates in the
    jurisdiction's local calendar; read in windows, whatever the size."""
    await _readable(app, jurisdiction_id, user)

    async def lines() -> AsyncIterator[str]:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(blds.FIELDS[kind]), lineterminator="\n")
        writer.writeheader()
        after, more = 0, True
        while more:
            page = await _page(app, jurisdiction_id, kind, after, CSV_WINDOW)
            writer.writerows(page.rows)
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            after, more = page.next_after, page.more
        if out.getvalue():
            yield out.getvalue()

    name = f"{jurisdiction_id}-blds-{kind}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get(EXPORT, response_model=ExportPageOut, summary="The export as JSON, a page at a time")
async def as_json(
    jurisdiction_id: str,
    kind: Kind,
    user: MaybeUser,
    app: App,
    after: int = Query(default=0, ge=0, description="next_after of the page before"),
    limit: int = Query(default=500, ge=1, le=open_data.MAX_PAGE),
) -> ExportPageOut:
    await _readable(app, jurisdiction_id, user)
    page = await _page(app, jurisdiction_id, kind, after, limit)
    return ExportPageOut(
        fields=list(blds.FIELDS[kind]), items=page.rows, next_after=page.next_after, more=page.more
    )
