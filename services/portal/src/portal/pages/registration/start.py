"""Register (user type and email) and the emailed links: confirm opens a new
draft, resume reopens a returned registration."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_
from portal.pages.registration.draft import registration_settings
from portal.public_api import EmailedLinks
from portal.security import rotate_visitor
from portal.sessions import Draft, new_id
from portal.web import Form, PublicPage, emailed_link_page, link_token

router = APIRouter()


@router.get("/j/{jurisdiction_id}/register")
async def register_page(page: PublicPage) -> Response:
    return page.render(
        "register.html",
        title=N_("Register"),
        offered=(await registration_settings(page)).enabled,
        values={"user_type": "contractor"},
    )


class StartForm(FormModel):
    """Register: a contractor's email (a public account goes to enrollment)."""

    user_type: str = field()
    email: str = field("email")


@router.post("/j/{jurisdiction_id}/register")
async def register(page: PublicPage, form: Form) -> Response:
    posted, _ = StartForm.read(form)
    values = posted.values()
    if posted.user_type == "public":
        # a public account: the enrollment page takes the same form (method and body kept)
        return Response(status_code=307, headers={"Location": page.path("enroll_page")})
    offered = (await registration_settings(page)).enabled
    errors = {} if posted.email else {"email": N_("Enter your email address")}
    if not errors:
        try:
            await page.public().register(posted.email)
        except ApiProblem as problem:
            if problem.status not in (403, 422, 429):
                raise
            errors = {
                "email": {
                    403: N_("This jurisdiction does not offer contractor registration online"),
                    429: N_("Too many requests: wait a minute and try again"),
                }.get(problem.status, N_("Enter an email address like name@example.org"))
            }
        else:
            return page.render(
                "register_sent.html", title=N_("Check your email"), email=posted.email
            )
    return page.render(
        "register.html", 422, title=N_("Register"), offered=offered, errors=errors, values=values
    )


# -- 2. the emailed links: confirm (a new draft) and resume (after a return) --------


@router.get("/registrations/{kind}/{token}", name="registration_link_page")
async def link_page(
    request: Request, kind: str = Path(pattern="^(confirm|resume)$"), token: str = link_token()
) -> Response:
    """Opening the link shows what it is for; the button uses it (a mail
    scanner that fetches links spends nothing)."""
    page, view = await emailed_link_page(request, f"registrations/{kind}", token)
    title = (
        N_("Continue your registration") if kind == "confirm" else N_("Update your registration")
    )
    return page.render("register_link.html", title=title, view=view, kind=kind, token=token)


@router.post("/registrations/{kind}/{token}")
async def open_link(
    request: Request,
    form: Form,
    kind: str = Path(pattern="^(confirm|resume)$"),
    token: str = link_token(),
) -> Response:
    page, _ = await emailed_link_page(request, f"registrations/{kind}", token)
    opened = await EmailedLinks(page.app.gateway).open_registration(f"registrations/{kind}", token)
    # a fresh cookie holds the draft (an id planted before cannot reach it); a
    # login in this browser ends with the old cookie
    await page.store.end(request.state.visitor)
    visitor = new_id()
    rotate_visitor(request, visitor)
    await page.app.drafts.put(
        visitor,
        Draft(
            jurisdiction_id=page.jid,
            registration_id=opened.registration.id,
            token=opened.registration_token,
        ),
    )
    return page.redirect(
        page.path("registration_company_page" if kind == "confirm" else "status_page")
    )
