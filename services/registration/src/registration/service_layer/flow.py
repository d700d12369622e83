"""The contractor's flow (R-REG-2): the draft's steps → submit, and after a
return: update what needs info → resubmit. The emailed links that open a
draft are in ``links``."""

from __future__ import annotations

from functools import partial

from chassis.clock import local_time
from chassis.links import split_scoped_token, token_hash
from chassis.refusals import Denied, Missing
from registration.domain.configuration import check_sections
from registration.domain.errors import WrongKind
from registration.domain.registration import Registration
from registration.domain.requirements import Requirement, validate_field
from registration.service_layer.commands import AnswerField, Resubmit, UpdateDraft
from registration.service_layer.unit_of_work import (
    Chunks,
    Doc,
    RegistrationService,
    RegistrationUnitOfWork,
    requirements_of,
)


def offered(config: Doc) -> Doc:
    if not config["enabled"]:
        raise Denied(
            "this jurisdiction does not offer contractor registration online; "
            "contact its building department to be set up",
            code="registration-not-offered",
        )
    return config


def jurisdiction_of(token: str | None) -> str:
    """A registration's token names its jurisdiction; anything else finds nothing."""
    parts = split_scoped_token(token or "")
    if parts is None:
        raise Missing("no such registration")
    return parts[0]


async def mine(
    uow: RegistrationUnitOfWork, registration_id: str, token: str | None
) -> Registration:
    """The registration, if the token is its registrant's; 404 for anyone else."""
    found = await uow.registrations.find_one(
        {"_id": registration_id, "draft_token_hash": token_hash(token or "")}
    )
    if found is None:
        raise Missing("no such registration")
    return found


async def update(cmd: UpdateDraft, uow: RegistrationUnitOfWork) -> Registration:
    """Any step may go back: a draft's sections change until it is submitted."""
    registration = await mine(uow, cmd.registration_id, cmd.token)
    registration.ensure_editable()
    check_sections(await uow.config.load(), cmd.changes)
    registration.update(cmd.changes, cmd.changes.get("profile"), at=uow.now)
    await uow.registrations.save(registration)
    return registration


async def _requirement(
    uow: RegistrationUnitOfWork, registration: Registration, requirement_id: str, kind: str
) -> tuple[Requirement, Doc]:
    registration.ensure_editable(requirement_id)
    config = await uow.config.load()
    requirement = registration.requirement(requirements_of(config), requirement_id)
    if requirement.kind != kind and kind == "field":
        raise WrongKind("field")
    if requirement.kind != kind:
        raise WrongKind("document")
    return requirement, config


async def answer_field(cmd: AnswerField, uow: RegistrationUnitOfWork) -> Registration:
    registration = await mine(uow, cmd.registration_id, cmd.token)
    requirement, config = await _requirement(uow, registration, cmd.requirement_id, "field")
    today = local_time(uow.now, config.get("time_zone", "UTC")).date()
    clean = validate_field(requirement, cmd.value, today)  # or RuleBroken, said as its problem
    registration.answer(requirement, value=clean, document=None, at=uow.now)
    await uow.registrations.save(registration)
    return registration


async def _attach(
    registration_id: str,
    token: str | None,
    requirement_id: str,
    stored: Doc,
    uow: RegistrationUnitOfWork,
) -> tuple[Registration, Doc | None]:
    registration = await mine(uow, registration_id, token)
    requirement, _ = await _requirement(uow, registration, requirement_id, "document")
    previous = (registration.answers.get(requirement_id) or {}).get("document")
    registration.answer(requirement, value=None, document=stored, at=uow.now)
    await uow.registrations.save(registration)
    return registration, previous


async def _document_requirement(
    registration_id: str, token: str | None, requirement_id: str, uow: RegistrationUnitOfWork
) -> Requirement:
    registration = await mine(uow, registration_id, token)
    return (await _requirement(uow, registration, requirement_id, "document"))[0]


async def upload_document(
    svc: RegistrationService,
    registration_id: str,
    token: str | None,
    requirement_id: str,
    *,
    filename: str,
    chunks: Chunks,
) -> Registration:
    """The file streams into the store first, then the answer records it; if
    that fails the file goes, and a replaced file goes once replaced."""
    jurisdiction_id = jurisdiction_of(token)
    requirement: Requirement = await svc.units.read(
        jurisdiction_id, partial(_document_requirement, registration_id, token, requirement_id)
    )
    stored = await svc.files.store(
        chunks,
        filename=filename[:200] or "document",
        accepted_types=requirement.accepted_types,
        max_bytes=requirement.max_bytes or svc.default_max_document_bytes,
        metadata={
            "jurisdiction_id": jurisdiction_id,
            "registration_id": registration_id,
            "requirement_id": requirement_id,
        },
    )
    try:
        registration, previous = await svc.units.run(
            jurisdiction_id,
            partial(_attach, registration_id, token, requirement_id, stored.as_doc()),
        )
    except BaseException:
        await svc.files.delete(stored.file_id)  # nothing half-done stays behind
        raise
    if previous:
        await svc.files.delete(previous["file_id"])
    return registration  # type: ignore[no-any-return]


async def _ready(
    registration_id: str, token: str | None, uow: RegistrationUnitOfWork
) -> tuple[Registration, Doc]:
    registration = await mine(uow, registration_id, token)
    config = offered(await uow.config.load())
    registration.check_submittable(requirements_of(config), config["acceptance_mode"])
    return registration, config


async def _submit(
    registration_id: str, token: str | None, account_id: str, uow: RegistrationUnitOfWork
) -> Registration:
    registration, config = await _ready(registration_id, token, uow)
    registration.submit(
        requirements_of(config),
        acceptance_mode=config["acceptance_mode"],
        account_id=account_id,
        at=uow.now,
    )
    await uow.registrations.save(registration)
    return registration


async def submit(
    svc: RegistrationService, registration_id: str, token: str | None, password: str
) -> Registration:
    """Review → set password (handed to identity) → submit (R-REG-2/3)."""
    jurisdiction_id = jurisdiction_of(token)
    registration, _ = await svc.units.read(jurisdiction_id, partial(_ready, registration_id, token))
    account_id = await svc.identity.ensure_registrant(
        jurisdiction_id,
        email=registration.email,
        display_name=registration.registrant_name or "",
        password=password,
    )
    return await svc.units.run(
        jurisdiction_id, partial(_submit, registration_id, token, account_id)
    )


async def resubmit(cmd: Resubmit, uow: RegistrationUnitOfWork) -> Registration:
    registration = await mine(uow, cmd.registration_id, cmd.token)
    registration.resubmit(at=uow.now)
    await uow.registrations.save(registration)
    return registration


async def document_of(registration: Registration, file_id: str) -> None:
    owned = {(a.get("document") or {}).get("file_id") for a in registration.answers.values()}
    if file_id not in owned:
        raise Missing("no such document")
