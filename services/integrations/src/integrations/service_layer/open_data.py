"""The BLDS open-data export's handlers (issue 26, item 4): rows kept up to
date from the events (in the transaction that stores each in the feed), the
jurisdiction's switch, and pages of the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from contracts import Envelope
from contracts.identity import (
    CompanyCreated,
    CompanyUpdated,
    JurisdictionCreated,
    JurisdictionUpdated,
)
from contracts.inspections import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionResulted,
    InspectionScheduled,
)
from contracts.permits import (
    PermitApplied,
    PermitCancelled,
    PermitExpired,
    PermitIssued,
    PermitPartiesChanged,
    PermitReinstated,
    PermitStatusChanged,
)
from integrations.domain import blds
from integrations.domain.blds import Kind

Doc = dict[str, Any]
MAX_PAGE = 1000


class OpenDataPort(Protocol):
    async def settings(self) -> Doc | None: ...
    async def set(self, fields: Doc) -> Doc: ...
    async def next_number(self, kind: Kind) -> int: ...
    async def row(self, kind: Kind, row_id: str) -> Doc | None: ...
    async def add_row(self, kind: Kind, doc: Doc) -> None: ...
    async def change_row(self, kind: Kind, row_id: str, fields: Doc) -> None: ...
    async def window(self, kind: Kind, after: int, last: int) -> list[Doc]: ...
    async def company(self, company_id: str, name: str) -> None: ...
    async def company_names(self, company_ids: list[str]) -> dict[str, str]: ...


async def project(event: Any, envelope: Envelope, data: OpenDataPort) -> None:
    """Keep the export's rows as ``event`` says (an event of no row: nothing)."""
    if isinstance(event, JurisdictionCreated | JurisdictionUpdated):
        await data.set({"time_zone": event.time_zone, "name": event.name})
    elif isinstance(event, CompanyCreated | CompanyUpdated):
        await data.company(event.company_id, event.company.name)
    elif isinstance(event, PermitApplied):
        await _permit(data, event.permit_id, event.version, _applied(event, envelope))
    elif isinstance(event, PermitStatusChanged | PermitReinstated):
        await _permit(data, event.permit_id, event.version, _status(event.to_status, event.at))
    elif isinstance(event, PermitIssued):
        fields = _status("ISSUED", event.issued_at) | {
            "IssuedDate": event.issued_at,
            "ExpiresDate": event.expires_at,
            "company_ids": event.company_ids,
        }
        await _permit(data, event.permit_id, event.version, fields)
    elif isinstance(event, PermitCancelled):
        await _permit(data, event.permit_id, event.version, _status("CANCELLED", event.at))
    elif isinstance(event, PermitExpired):
        await _permit(data, event.permit_id, event.version, _status("EXPIRED", event.expired_at))
    elif isinstance(event, PermitPartiesChanged):
        await _permit(data, event.permit_id, event.version, {"company_ids": event.company_ids})
    elif isinstance(event, InspectionScheduled | InspectionRescheduled):
        fields = {"PermitNum": event.number, "InspType": event.inspection_type}
        await _inspection(data, event.inspection_id, fields | {"ScheduledDate": str(event.date)})
    elif isinstance(event, InspectionCancelled):
        fields = {"Result": "cancelled", "ResultMapped": "Cancelled", "PermitNum": event.number}
        await _inspection(data, event.inspection_id, fields | {"InspType": event.inspection_type})
    elif isinstance(event, InspectionResulted):
        await _inspection(data, event.inspection_id, _resulted(event))


def _applied(event: PermitApplied, envelope: Envelope) -> Doc:
    site = event.site
    return {
        "PermitNum": event.number,
        "Description": event.type_name,
        "AppliedDate": envelope.time,
        "OriginalAddress1": site.street,
        "OriginalCity": site.city,
        "OriginalState": site.state,
        "OriginalZip": site.zip,
        "PIN": site.parcel,
        "PermitClass": blds.permit_class(event.type_code, event.type_name),
        "PermitClassMapped": blds.permit_class(event.type_code, event.type_name),
        "PermitType": event.type_code,
        "PermitTypeDesc": event.type_name,
        "PermitTypeMapped": blds.permit_type_mapped(event.type_code, event.type_name),
        "company_ids": event.company_ids,
        **_status(event.status, envelope.time),
    }


def _status(status: str, at: Any) -> Doc:
    fields = {
        "StatusCurrent": status,
        "StatusCurrentMapped": blds.STATUS_MAPPED.get(status, ""),
        "StatusDate": at,
    }
    if status == "FINALED":
        fields["CompletedDate"] = at
    if status == "ISSUED":
        fields["IssuedDate"] = at
    return fields


def _resulted(event: InspectionResulted) -> Doc:
    result = event.outcome or event.result
    fields: Doc = {
        "InspType": event.inspection_type,
        "Result": result,
        "ResultMapped": blds.RESULT_MAPPED.get(result, ""),
        "InspectedDate": str(event.date) if event.date else event.resulted_at,
    }
    if event.number:
        fields["PermitNum"] = event.number
    return fields


async def _permit(data: OpenDataPort, permit_id: str, version: int, fields: Doc) -> None:
    """Apply ``fields`` unless the row already reflects a later version."""
    found = await data.row("permits", permit_id)
    if found is None:
        n = await data.next_number("permits")
        await data.add_row("permits", {"_id": permit_id, "n": n, "version": version, **fields})
    elif int(found.get("version", 0)) < version:
        await data.change_row("permits", permit_id, {"version": version, **fields})


async def _inspection(data: OpenDataPort, inspection_id: str, fields: Doc) -> None:
    if await data.row("inspections", inspection_id) is None:
        n = await data.next_number("inspections")
        await data.add_row("inspections", {"_id": inspection_id, "n": n, **fields})
    else:
        await data.change_row("inspections", inspection_id, fields)


@dataclass(frozen=True)
class ReadExport:
    jurisdiction_id: str
    kind: Kind
    after: int = 0
    limit: int = 500


@dataclass
class ExportPage:
    rows: list[dict[str, str]]
    next_after: int
    more: bool


async def export(query: ReadExport, data: OpenDataPort) -> ExportPage:
    """One page of rows, numbers ``after + 1`` on, in BLDS's fields and the
    jurisdiction's local dates; contractors by company name only."""
    settings = await data.settings() or {}
    total = int((settings.get("rows") or {}).get(query.kind, 0))
    last = min(total, query.after + min(query.limit, MAX_PAGE))
    docs = sorted(await data.window(query.kind, query.after, last), key=lambda d: d["n"])
    companies = await data.company_names(
        sorted({c for doc in docs for c in doc.get("company_ids") or ()})
    )
    zone = str(settings.get("time_zone") or "UTC")
    rows = [_row(query.kind, doc, companies, zone, query.jurisdiction_id) for doc in docs]
    return ExportPage(rows, last, last < total)


def _row(kind: Kind, doc: Doc, companies: dict[str, str], zone: str, jid: str) -> dict[str, str]:
    values = {name: doc.get(name) for name in blds.FIELDS[kind]}
    for name, kind_of in blds.FIELDS[kind].items():
        if kind_of == blds.DATE:
            values[name] = blds.local_date(doc.get(name), zone)
    if kind == "permits":
        names = [companies[c] for c in doc.get("company_ids") or () if c in companies]
        values |= {
            "Jurisdiction": jid,
            "Publisher": blds.PUBLISHER,
            "ContractorCompanyName": names[0] if names else None,
        }
    else:
        values["InspTypeMapped"] = blds.inspection_type_mapped(str(doc.get("InspType") or ""))
    return blds.row(kind, values)


@dataclass(frozen=True)
class SwitchExport:
    jurisdiction_id: str
    public: bool


async def switch(cmd: SwitchExport, data: OpenDataPort) -> Doc:
    """Make the export public (one URL anyone may read), or not."""
    return await data.set({"public": cmd.public})


async def settings_of(data: OpenDataPort) -> Doc:
    return await data.settings() or {}
