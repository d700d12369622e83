"""Request-body base models shared by every service's HTTP schemas."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from chassis.clock import zone


def _known_zone(name: str) -> str:
    zone(name)  # ValueError names the zone
    return name


# An IANA time zone that exists (stored, then used by every date rule: an
# unknown one would break the jurisdiction's calendar for good).
TimeZoneName = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_known_zone)
]

# A map key a client chooses that is stored as a field name (MongoDB refuses a
# leading "$" and reads "." as a path): found by the fuzz pass as a 500.
DocumentKey = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^$.\x00-\x1f][^.\x00-\x1f]*$")
]


class Strict(BaseModel):
    """A request body that refuses unknown fields (422 naming the field)."""

    model_config = ConfigDict(extra="forbid")


class Patch(Strict):
    """A partial update: an omitted field is left alone; ``null`` clears a
    field only where the model lists it in ``clearable``, and is refused
    (422 naming the field) everywhere else — a required value such as a
    display name can never be stored as null."""

    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_clearable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable:
            raise ValueError("may be left out, but not null")
        return value

    def changes(self, **dump: Any) -> dict[str, Any]:
        """The fields the client sent, as a dict for the update."""
        return self.model_dump(exclude_unset=True, **dump)
