"""Setup pages for the settings other services own (issue 27; admins): the
jurisdiction's branding and password rules (identity), payment settings
(payments), contractor registration (registration). Each service validates
its own settings; a refusal is shown next to its field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from portal.gateway import ApiProblem
from portal.i18n import N_
from portal.pages.setup_forms import lines, row_errors, rows
from portal.web import Form, Page, StaffPage

router = APIRouter(prefix="/j/{jurisdiction_id}/staff/setup")


# -- payment settings --------------------------------------------------------------
METHOD_ROWS = 2  # blank method rows offered beyond the jurisdiction's own
METHOD_FIELDS = ("code", "label", "fee_percent", "fee_flat", "fee_min", "fee_max", "borne_by")


@router.get("/payments")
async def staff_payment_settings(page: StaffPage) -> Response:
    doc = (await page.public().payment_settings()).model_dump()
    values: dict[str, Any] = {
        "online_payments": "yes" if doc.get("online_payments") else "",
        "fee_label": doc.get("fee_label", N_("Convenience fee")),
    }
    for n, method in enumerate(doc.get("methods", [])):
        for f in METHOD_FIELDS:
            values[f"method-{n}-{f}"] = str(method.get(f) or "")
    return _payments_page(page, values)


def _payments_page(
    page: Page, values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    rows = 1 + max([int(k.split("-")[1]) for k in values if k.startswith("method-")] or [-1])
    return page.render_form(
        "staff_payment_settings.html",
        status,
        errors,
        values,
        title=N_("Payment settings"),
        rows=range(rows + METHOD_ROWS),
    )


@router.post("/payments")
async def staff_save_payment_settings(page: StaffPage, form: Form) -> Response:
    """Online payment on or off, and each method with its convenience fee;
    payments refuses what it cannot charge (a percent over 100, a minimum
    above the maximum), next to the method's field."""
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    methods, kept = rows(form, "method", METHOD_FIELDS, ("code", "label"))
    body = {
        "online_payments": values.get("online_payments") == "yes",
        "fee_label": values.get("fee_label", "").strip() or N_("Convenience fee"),
        "methods": methods,
    }
    try:
        await page.staff().put_payment_settings(body)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        errors = row_errors(problem, {"methods": ("method", kept)}, "online_payments")
        return _payments_page(page, values, 422, errors)
    await page.flash(N_("The payment settings are saved."))
    return page.redirect(page.path("staff_payment_settings"))


# -- the jurisdiction's profile (branding, password rules) ---------------------------
POLICIES = {
    "asvs": N_("8 to 128 characters, no composition rules, not a common password (OWASP ASVS)"),
    "etrakit": N_("6 to 25 characters with a letter and a digit (as eTRAKIT asks)"),
}
BRANDING = ("display_name", "from_address", "logo_url", "notice")


@router.get("/profile")
async def staff_profile(page: StaffPage) -> Response:
    found = await page.public().jurisdiction_profile()
    doc = found.model_dump()
    values: dict[str, Any] = {k: (doc.get("branding") or {}).get(k) or "" for k in BRANDING}
    values["password_policy"] = doc.get("password_policy", "asvs")
    values["reset_requires_security_answer"] = (
        "yes" if doc.get("reset_requires_security_answer") else ""
    )
    return _profile_page(page, values)


def _profile_page(
    page: Page, values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    return page.render_form(
        "staff_profile.html", status, errors, values, title=N_("Profile"), policies=POLICIES
    )


@router.post("/profile")
async def staff_save_profile(page: StaffPage, form: Form) -> Response:
    """Identity checks each setting (a logo address must be http(s), the
    sender an email address) and names the one it refuses."""
    values: dict[str, Any] = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    body = {
        "branding": {k: values.get(k) or None for k in BRANDING},
        "password_policy": values.get("password_policy") or "asvs",
        "reset_requires_security_answer": values.get("reset_requires_security_answer") == "yes",
    }
    try:
        await page.staff().configure_jurisdiction(body)
    except ApiProblem as problem:
        if problem.status not in (403, 422):
            raise
        errors = {k.split(".")[-1]: v for k, v in problem.errors.items()}
        return _profile_page(page, values, 422, errors or {"display_name": problem.detail})
    page.app.profiles.forget(page.jid)  # the new name on the very next page
    await page.flash(N_("The profile is saved."))
    return page.redirect(page.path("staff_profile"))


# -- contractor registration settings ---------------------------------------------
LICENSE_FIELDS = ("code", "name", "online")
REQUIREMENT_FIELDS = ("id", "label", "kind", "required", "field_type")
FIELD_TYPES = ("text", "number", "date", "license_number", "insurance_expiry")


@router.get("/registration")
async def staff_registration_settings(page: StaffPage) -> Response:
    doc = (await page.public().registration_settings()).model_dump()
    values: dict[str, Any] = {
        "enabled": "yes" if doc.get("enabled") else "",
        "acceptance_mode": doc.get("acceptance_mode", "staff_review"),
        "trades": "\n".join(doc.get("trades", [])),
    }
    for n, lt in enumerate(doc.get("license_types", [])):
        values.update({f"license-{n}-{f}": _shown(lt.get(f)) for f in LICENSE_FIELDS})
    for n, req in enumerate(doc.get("requirements", [])):
        values.update({f"req-{n}-{f}": _shown(req.get(f)) for f in REQUIREMENT_FIELDS})
    return _registration_page(page, values)


def _shown(value: Any) -> str:
    """A setting as a form field holds it (a checkbox: "yes" or nothing)."""
    if isinstance(value, bool):
        return "yes" if value else ""
    return "" if value is None else str(value)


def _registration_page(
    page: Page, values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    def count(prefix: str) -> int:
        return 1 + max([int(k.split("-")[1]) for k in values if k.startswith(prefix)] or [-1])

    return page.render_form(
        "staff_registration_settings.html",
        status,
        errors,
        values,
        title=N_("Contractor registration"),
        licenses=range(count("license-") + 2),
        requirements=range(count("req-") + 2),
        field_types=FIELD_TYPES,
    )


@router.post("/registration")
async def staff_save_registration_settings(page: StaffPage, form: Form) -> Response:
    """What a contractor registers for here. A requirement keeps what this
    form does not show (accepted file types, size, the trades it applies to)."""
    values: dict[str, Any] = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    current = (await page.public().registration_settings()).model_dump()
    known = {r["id"]: r for r in current.get("requirements", [])}
    licenses, license_rows = rows(form, "license", LICENSE_FIELDS, ("code", "name"))
    requirements, req_rows = rows(form, "req", REQUIREMENT_FIELDS, ("id", "label"))
    body = {
        **{k: current[k] for k in ("time_zone",) if k in current},
        "enabled": values.get("enabled") == "yes",
        "acceptance_mode": values.get("acceptance_mode") or "staff_review",
        "trades": lines(values.get("trades", "")),
        "license_types": [{**lt, "online": lt.get("online") == "yes"} for lt in licenses],
        "requirements": [
            {**known.get(r.get("id", ""), {}), **r, "required": r.get("required") == "yes"}
            for r in requirements
        ],
    }
    try:
        await page.staff().put_registration_settings(body)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        tables = {"requirements": ("req", req_rows), "license_types": ("license", license_rows)}
        errors = row_errors(problem, tables, "trades")
        return _registration_page(page, values, 422, errors)
    await page.flash(N_("The registration settings are saved."))
    return page.redirect(page.path("staff_registration_settings"))
