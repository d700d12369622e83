"""Form models (issue 24): a field's one declaration builds the API's body
and puts the API's refusals back next to the field that posted it."""

from __future__ import annotations

from starlette.datastructures import FormData

from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.pages.apply import ApplyForm
from portal.pages.registration.steps import CompanyForm


def posted(**values: str | list[str]) -> FormData:
    items: list[tuple[str, str]] = []
    for name, value in values.items():
        items += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return FormData(items)


def test_a_required_field_left_empty_is_named_with_its_message_before_anything_is_sent() -> None:
    form, errors = ApplyForm.read(posted(type_code="", street="  ", city="Kuna"))
    assert errors == {"type_code": "Choose the permit type", "street": "Enter the address"}
    assert form.values()["city"] == "Kuna"  # shown again as given


def test_the_body_is_nested_by_each_fields_api_path() -> None:
    form, errors = ApplyForm.read(
        posted(type_code="RES", street=" 1 Main St ", zip="83634", owner_name="Olive")
    )
    assert errors == {}
    assert form.body("type_code", "street", "zip", empty="drop") == {
        "type_code": "RES",
        "site": {"street": "1 Main St", "zip": "83634"},
    }
    assert form.body("owner_name", "owner_email") == {"owner": {"name": "Olive", "email": None}}


def test_an_api_refusal_lands_on_the_field_that_posted_it() -> None:
    problem = ApiProblem(
        422,
        "Unprocessable",
        "refused",
        {"site.zip": "not a ZIP code", "owner.email": "not an email", "applicant": "?"},
    )
    assert ApplyForm.problems(problem, default="type_code") == {
        "zip": "not a ZIP code",
        "owner_email": "not an email",
        "type_code": "?",  # the form has no field for it: the default one
    }
    bare = ApiProblem(409, "Conflict", "the permit type is retired", {})
    assert ApplyForm.problems(bare, default="type_code") == {
        "type_code": "the permit type is retired"
    }


def test_checkboxes_post_several_values_and_an_empty_list_is_sent_as_one() -> None:
    form, errors = CompanyForm.read(
        posted(company_name="Sparky", registrant_name="Rich", trades=["Electrical", "HVAC"])
    )
    assert errors == {}
    body = form.body()
    assert (body["trades"], body["license_types"], body["license_number"]) == (
        ["Electrical", "HVAC"],
        [],
        None,
    )


def test_a_field_without_an_api_path_is_not_sent() -> None:
    class Twice(FormModel):
        password: str = field("password")
        password_again: str = field()

    form, _ = Twice.read(posted(password="s3cret", password_again="s3cret"))
    assert form.body() == {"password": "s3cret"}


def test_a_secret_is_never_shown_again() -> None:
    from portal.pages.auth import LoginForm

    form, errors = LoginForm.read(posted(email="rich@example.org", password="", next="/j/demo"))
    assert errors == {"password": "Enter your password"}
    form, _ = LoginForm.read(posted(email="rich@example.org", password="s3cret"))
    assert "password" not in form.values() and form.values()["email"] == "rich@example.org"


def test_rows_of_one_form_are_read_by_their_posted_names_and_refused_by_their_place() -> None:
    """R-INS-4: several inspections in one submit; each request's refusal is
    shown by its own row's field, a part the row has no field for by its date."""
    from portal.pages.inspections import ScheduleRow

    form = posted(**{"date-0": "", "date-1": "2026-11-18", "ampm-1": "noon", "note-1": " gate "})
    rows = [ScheduleRow.read(form, f"{{}}-{n}")[0] for n in range(2)]
    assert [row.date for row in rows] == ["", "2026-11-18"]
    assert rows[1].request("p1", "FOOTING") == {  # not AM or PM: no preference
        "permit_id": "p1",
        "inspection_type": "FOOTING",
        "date": "2026-11-18",
        "note": "gate",
    }
    problem = ApiProblem(
        409,
        "Conflict",
        "refused",
        {"requests.1.date": "not available", "requests.0.inspection_type": "choose from […]"},
    )
    assert ScheduleRow.problems(problem, default="date", at="requests.1") == {
        "date": "not available"
    }
    assert ScheduleRow.problems(problem, default="date", at="requests.0") == {
        "date": "choose from […]"
    }
    assert ScheduleRow.problems(problem, default="date", at="requests.2") == {}


def test_a_field_posted_under_its_own_name_and_ticked_boxes_without_blanks() -> None:
    from portal.pages.cart import ChosenPermits
    from portal.pages.registration.draft import Answer

    assert (
        Answer.read(posted(**{"req-insurance_expiry": " 2027-01-31 "}), "req-insurance_expiry")[
            0
        ].value
        == "2027-01-31"
    )
    chosen, _ = ChosenPermits.read(posted(permit_id=["p1", " ", "p2 "]))
    assert chosen.permit_id == ["p1", "p2"] and chosen.body() == {"permit_ids": ["p1", "p2"]}
