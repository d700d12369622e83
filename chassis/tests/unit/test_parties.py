"""R-ID-6, the one rule: who may act on a record besides staff, and the
queries that find a caller's records (issue 24: it was written five times,
and the copies disagreed about the operator)."""

from __future__ import annotations

from chassis.parties import Parties, party_branches
from chassis.principal import Principal


def caller(kind: str = "contractor", jid: str | None = "alpha", **kw: object) -> Principal:
    return Principal(
        account_id=str(kw.pop("account_id", "acct-1")),
        email=str(kw.pop("email", "rich@example.org")),
        jurisdiction_id=jid,
        kind=kind,
        **kw,  # type: ignore[arg-type]
    )


PARTIES = Parties.of(["Pat@Example.org", None], ["c1"], ["acct-9"])


def test_r_id_6_a_party_by_email_company_or_link() -> None:
    assert PARTIES.admits(caller(email="PAT@example.org"), "alpha")  # case apart
    assert PARTIES.admits(caller(company_ids=["c2", "c1"]), "alpha")
    assert PARTIES.admits(caller("community_member", account_id="acct-9"), "alpha")
    assert not PARTIES.admits(caller(company_ids=["c2"]), "alpha")


def test_r_id_6_staff_of_the_jurisdiction_and_the_operator_always() -> None:
    assert PARTIES.admits(caller("staff", roles=["inspector"]), "alpha")
    assert PARTIES.admits(caller("operator", jid=None), "alpha")
    assert not PARTIES.admits(caller("staff"), "beta")  # staff of another jurisdiction
    assert not PARTIES.admits(caller(email="pat@example.org"), "beta")


def test_a_callers_records_one_equality_query_per_access_path() -> None:
    branches = party_branches(caller(company_ids=["c1", "c2"]), "applicant.email", "owner.email")
    assert branches == [
        {"linked_accounts": "acct-1"},
        {"applicant.email": "rich@example.org"},
        {"owner.email": "rich@example.org"},
        {"company_ids": "c1"},
        {"company_ids": "c2"},
    ]
    assert party_branches(caller(email=""), "party_emails") == [{"linked_accounts": "acct-1"}]
