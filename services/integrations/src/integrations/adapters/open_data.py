"""The BLDS export's rows in MongoDB, kept up to date from the events.

``open_data`` (one document per jurisdiction: whether the export is public,
its time zone and name, how many rows of each kind it has), ``blds_permits``
and ``blds_inspections`` (one row per permit or inspection, numbered ``n``
1, 2, 3 … per jurisdiction in the order they first appeared, so the export
is read in windows of numbers, flat in its size) and ``blds_companies`` (a
company's name, nothing else of it).
"""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import ensure_indexes, tenant_index
from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction
from integrations.domain.blds import Kind

Doc = dict[str, Any]
SETTINGS, COMPANIES = "open_data", "blds_companies"
ROWS: dict[Kind, str] = {"permits": "blds_permits", "inspections": "blds_inspections"}


class MongoOpenData:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.db = tx.db
        self.session = tx.session
        self.jurisdiction_id = jurisdiction_id
        self.rows = {
            kind: documents(tx.db, jurisdiction_id, tx.session, c) for kind, c in ROWS.items()
        }
        self.companies = documents(tx.db, jurisdiction_id, tx.session, COMPANIES)

    async def settings(self) -> Doc | None:
        return await self.db[SETTINGS].find_one({"_id": self.jurisdiction_id}, session=self.session)

    async def set(self, fields: Doc) -> Doc:
        doc = await self.db[SETTINGS].find_one_and_update(
            {"_id": self.jurisdiction_id},
            {"$set": fields},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        assert doc is not None  # an upsert returns the document after
        return doc

    async def next_number(self, kind: Kind) -> int:
        doc = await self.db[SETTINGS].find_one_and_update(
            {"_id": self.jurisdiction_id},
            {"$inc": {f"rows.{kind}": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        assert doc is not None
        return int(doc["rows"][kind])

    async def row(self, kind: Kind, row_id: str) -> Doc | None:
        return await self.rows[kind].find_one({"_id": row_id})

    async def add_row(self, kind: Kind, doc: Doc) -> None:
        await self.rows[kind].insert_one(doc)

    async def change_row(self, kind: Kind, row_id: str, fields: Doc) -> None:
        await self.rows[kind].update_one({"_id": row_id}, {"$set": fields})

    async def window(self, kind: Kind, after: int, last: int) -> list[Doc]:
        return await self.rows[kind].find(
            {"n": {"$gt": after, "$lte": last}},
            bounded="a window of row numbers, at most a page",
        )

    async def company(self, company_id: str, name: str) -> None:
        await self.companies.update_one({"_id": company_id}, {"$set": {"name": name}}, upsert=True)

    async def company_names(self, company_ids: list[str]) -> dict[str, str]:
        if not company_ids:
            return {}
        found = await self.companies.find(
            {"_id": {"$in": company_ids}}, bounded="the companies of one page's rows"
        )
        return {doc["_id"]: doc["name"] for doc in found}


async def create_indexes(db: AsyncDatabase[Doc]) -> None:
    await ensure_indexes(
        db,
        {
            ROWS["permits"]: [tenant_index("n")],
            ROWS["inspections"]: [tenant_index("n")],
            COMPANIES: [],
        },
    )
