"""What the setup pages' forms share: lines of a textarea, a form's table of
rows (``<prefix>-<n>-<field>``), and the API's refusals put back in their rows."""

from __future__ import annotations

from starlette.datastructures import FormData

from portal.gateway import ApiProblem


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def rows(
    form: FormData, prefix: str, fields: tuple[str, ...], names: tuple[str, str]
) -> tuple[list[dict[str, str]], list[int]]:
    """A table of the form's rows (``<prefix>-<n>-<field>``): each row with
    one of ``names`` given, its blank fields left out; and which rows those
    are (the API's index n is the n-th row kept)."""
    found, kept = [], []
    n = 0
    while f"{prefix}-{n}-{names[0]}" in form:
        row = {f: str(form.get(f"{prefix}-{n}-{f}") or "").strip() for f in fields}
        if any(row[name] for name in names):
            found.append({k: v for k, v in row.items() if v})
            kept.append(n)
        n += 1
    return found, kept


def row_errors(
    problem: ApiProblem, tables: dict[str, tuple[str, list[int]]], default: str
) -> dict[str, str]:
    """The API's refusals next to their fields: for a table of ``tables``
    (its name in the API: the form's prefix and the rows kept),
    ``fee_schedule.1.amount`` in the second row kept; the others under their
    own name."""
    errors: dict[str, str] = {}
    for api_field, message in problem.errors.items():
        parts = api_field.split(".")
        table = tables.get(parts[0])
        if table and len(parts) == 3 and parts[1].isdigit():
            prefix, kept = table
            errors[f"{prefix}-{kept[int(parts[1])]}-{parts[2]}"] = message
        else:
            errors[parts[0]] = message
    return errors or {default: problem.detail}
