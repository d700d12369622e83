"""What the parts of the ``Permit`` aggregate (``permit_fees.py``,
``permit_parties.py``) know of the permit: its fields and its workflow, for
the type checker (the dataclass in ``permit.py`` defines them)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chassis.aggregate import Aggregate
from permits.domain.fees import FeeLine
from permits.domain.permit_type import PermitType

Doc = dict[str, Any]


class PermitState(Aggregate):
    if TYPE_CHECKING:  # the Permit's own fields and workflow, for the type checker
        id: str
        jurisdiction_id: str
        number: str
        type_name: str
        status: str
        site: Doc
        applicant: Doc
        owner: Doc | None
        company_ids: list[str]
        linked_accounts: list[str]
        valuation: str
        fees: list[FeeLine]
        comments: list[Doc]
        documents: list[Doc]
        access_code: str | None

        def move_to(
            self,
            to: str,
            *,
            by: str,
            roles: list[str],
            at: datetime,
            comment: str | None = None,
            terms: PermitType | None = None,
        ) -> None: ...
