"""Forms as pydantic models: one class per form a page posts.

Each field is named as the page's HTML names it and declares, once, where
the API holds it (``api="site.street"``): the same declaration builds the
body the portal sends (:meth:`FormModel.body`) and puts the API's refusals
back next to the fields that caused them (:meth:`FormModel.problems`), so no
page keeps a table of renames. A field's ``required`` message is what the
visitor reads when it is left empty — before anything is sent.

    class ApplyForm(FormModel):
        type_code: str = field("type_code", required="Choose the permit type")
        street: str = field("site.street", required="Enter the address")

    form, errors = ApplyForm.read(posted)
    ...
    except ApiProblem as problem:
        errors = form.problems(problem, default="type_code")
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData, UploadFile

from portal.gateway import ApiProblem
from portal.i18n import N_

Doc = dict[str, Any]


def field(
    api: str | None = None,
    *,
    required: str | None = None,
    default: Any = "",
    secret: bool = False,
) -> Any:
    """A form field: ``api`` is its path in the API's body (dotted; None: the
    API has no such field), ``required`` the message when it is left empty;
    a ``secret`` (a password) is never shown again."""
    extra: dict[str, Any] = {"api": api, "required": required, "secret": secret}
    return Field(default=default, json_schema_extra=extra)


class FormModel(BaseModel):
    """A posted form: its values as the visitor gave them (shown again when
    something is refused) and where each lives in the API."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    lists: ClassVar[frozenset[str]] = frozenset()  # fields posted several times (checkboxes)

    @classmethod
    def _extra(cls, name: str, key: str) -> Any:
        extra = cls.model_fields[name].json_schema_extra
        return extra.get(key) if isinstance(extra, dict) else None

    @classmethod
    def read(cls, form: FormData, as_posted: str = "{}") -> tuple[Self, dict[str, str]]:
        """The form as posted, and a message for each field that is missing
        or not valid (keyed by the form's own field names). ``as_posted`` is
        how the page names the fields where it posts several of one kind:
        ``"{}-2"`` (the third row's ``date-2``), or one field's own name
        (``"req-insurance"``)."""
        raw: Doc = {}
        for name in cls.model_fields:
            posted = as_posted.format(name)
            if name in cls.lists:
                raw[name] = [v.strip() for v in form.getlist(posted) if isinstance(v, str)]
                raw[name] = [v for v in raw[name] if v]
            else:
                value = form.get(posted)
                raw[name] = value if isinstance(value, str) else ""
        errors: dict[str, str] = {}
        try:
            model = cls.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "_form"
                said = error.get("ctx", {}).get("error") if error["type"] == "value_error" else None
                errors.setdefault(name, str(said) if said else error["msg"])  # a validator's own
            model = cast(Self, cls.model_construct(**raw))
        for name in cls.model_fields:
            message = cls._extra(name, "required")
            if message and not getattr(model, name):
                errors.setdefault(name, message)
        return model, errors

    def values(self) -> Doc:
        """What the template shows in the fields again (never a secret)."""
        return {
            name: value
            for name, value in self.model_dump().items()
            if not self._extra(name, "secret")
        }

    def body(self, *names: str, empty: Literal["none", "drop"] = "none") -> Doc:
        """The API's body from the fields that have an API path (``names``:
        only these), nested by the path; an empty answer is sent as None, or
        left out (``empty="drop"``)."""
        body: Doc = {}
        for name in names or tuple(type(self).model_fields):
            path = self._extra(name, "api")
            value = getattr(self, name)
            if not path or (empty == "drop" and not value):
                continue
            *parents, last = path.split(".")
            target = body
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value if value or isinstance(value, list) else None
        return body

    @classmethod
    def problems(cls, problem: ApiProblem, default: str = "_form", at: str = "") -> dict[str, str]:
        """The API's refusal next to the fields that caused it: each problem
        field (``site.street``) under the form field that posts it (``street``);
        one the form has no field for, and a refusal naming no field, under
        ``default``. ``at``: the form is one of the body's several
        (``requests.2``): only that one's problems, and none if it has none."""
        by_api = {cls._extra(n, "api"): n for n in cls.model_fields if cls._extra(n, "api")}
        errors: dict[str, str] = {}
        for api_field, message in problem.errors.items():
            if at:
                if api_field != at and not api_field.startswith(at + "."):
                    continue
                api_field = api_field[len(at) + 1 :]
            errors.setdefault(by_api.get(api_field, default), message)
        return errors or ({} if at else {default: problem.detail})


class NewPassword(FormModel):
    """A form that sets a password, typed twice (an existing login's password
    is typed once)."""

    password: str = field("password", secret=True)
    password_again: str = field(secret=True)

    def password_errors(
        self, *, existing_account: bool = False, missing: str = N_("Enter a password")
    ) -> dict[str, str]:
        if not self.password:
            return {"password": missing}
        if not existing_account and self.password != self.password_again:
            return {"password_again": N_("The two passwords are not the same")}
        return {}


def upload(form: FormData, name: str) -> UploadFile | None:
    """A posted file, if one was chosen."""
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None
