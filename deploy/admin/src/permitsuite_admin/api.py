"""The public API calls that read and set each section of a profile, as the
hosting operator (or a jurisdiction's admin, for all but creating it)."""

from __future__ import annotations

from typing import Any

import httpx

Doc = dict[str, Any]
# what the API answers beside what a profile sets (read-only facts)
READ_ONLY = {"jurisdiction": {"password_rules"}, "permit_types": {"code"}}


class Refused(Exception):
    """The API refused a section: its problem document, by section."""

    def __init__(self, section: str, status: int, problem: Doc) -> None:
        self.section, self.status, self.problem = section, status, problem
        fields = [
            f"{section}.{e.get('field') or '.'.join(map(str, e.get('loc', [])))}: {e.get('msg')}"
            for e in problem.get("errors") or []
        ]
        detail = problem.get("detail") or problem.get("title") or f"HTTP {status}"
        super().__init__("\n".join([f"{section}: {detail}", *fields]))


class Api:
    def __init__(self, http: httpx.Client, jurisdiction_id: str) -> None:
        self.http = http
        self.jid = jurisdiction_id
        self.base = f"/v1/jurisdictions/{jurisdiction_id}"

    @classmethod
    def logged_in(
        cls, gateway: str, jurisdiction_id: str, *, token: str | None, email: str, password: str
    ) -> Api:
        http = httpx.Client(base_url=gateway.rstrip("/"), timeout=30)
        if not token:
            r = http.post("/v1/auth/token", data={"username": email, "password": password})
            if r.status_code != 200:
                raise Refused("login", r.status_code, _problem(r))
            token = str(r.json()["access_token"])
        http.headers["Authorization"] = f"Bearer {token}"
        return cls(http, jurisdiction_id)

    # -- reading -----------------------------------------------------------
    def read(self, section: str) -> Doc | None:
        """The section as the API has it now (None: the jurisdiction does not exist)."""
        if section == "jurisdiction":
            jurisdiction: Doc | None = self._get(self.base, section)
            return jurisdiction
        if section.startswith("permit_types."):
            code = section.split(".", 1)[1]
            types = self._get(f"{self.base}/permit-types", section) or []
            found: Doc | None = next((t for t in types if t.get("code") == code), None)
            if found is not None:
                found = {k: v for k, v in found.items() if k not in READ_ONLY["permit_types"]}
            return found
        path = {"payments": "payment-settings", "inspections": "inspection-settings"}.get(
            section, "registration-settings"
        )
        settings: Doc | None = self._get(f"{self.base}/{path}", section)
        return settings

    def permit_type_codes(self) -> list[str]:
        return [t["code"] for t in self._get(f"{self.base}/permit-types", "permit_types") or []]

    def _get(self, path: str, section: str) -> Any:
        r = self.http.get(path)
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise Refused(section, r.status_code, _problem(r))
        found = r.json()
        key = section.split(".")[0]
        if isinstance(found, dict):
            return {k: v for k, v in found.items() if k not in READ_ONLY.get(key, set())}
        return found

    # -- setting -------------------------------------------------------------
    def write(self, section: str, body: Doc, *, exists: bool) -> None:
        if section == "jurisdiction":
            if exists:
                fields = {k: v for k, v in body.items() if k != "id"}
                self._send("PATCH", self.base, fields, section)
            else:
                self._send("POST", "/v1/jurisdictions", body, section)
            return
        if section.startswith("permit_types."):
            code = section.split(".", 1)[1]
            self._send("PUT", f"{self.base}/permit-types/{code}", body, section)
            return
        path = {"payments": "payment-settings", "inspections": "inspection-settings"}.get(
            section, "registration-settings"
        )
        self._send("PUT", f"{self.base}/{path}", body, section)

    def _send(self, method: str, path: str, body: Doc, section: str) -> None:
        r = self.http.request(method, path, json=body)
        if r.status_code not in (200, 201, 204):
            raise Refused(section, r.status_code, _problem(r))


def _problem(r: httpx.Response) -> Doc:
    try:
        found = r.json()
    except ValueError:
        return {"detail": r.text[:300]}
    return found if isinstance(found, dict) else {"detail": str(found)}
