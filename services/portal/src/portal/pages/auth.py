"""Log in (Contractor or Public), the first-login page of a PIN, choosing a
company, and log out (seed 003: "LOGGING IN")."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.api import MemberApi
from portal.forms import FormModel, field
from portal.gateway import ApiProblem, UserApi, apply_tokens
from portal.i18n import N_
from portal.security import rotate_visitor, safe_next
from portal.sessions import Session, new_id
from portal.web import Form, LoginRequired, Page, PublicPage, company_names

router = APIRouter(prefix="/j/{jurisdiction_id}")


class LoginForm(FormModel):
    """Log in as a contractor or the public (seed 003)."""

    email: str = field("username", required=N_("Enter your email"))
    password: str = field("password", required=N_("Enter your password"), secret=True)
    login_as: str = field()
    next: str = field()


@router.get("/login")
async def login_page(page: PublicPage, next: str | None = Query(default=None)) -> Response:
    if page.session is not None and not page.session.setup_required:
        return page.redirect(safe_next(next, page.path("dashboard")))
    return page.render(
        "login.html",
        title=N_("Log in"),
        next=safe_next(next, ""),
        values={"login_as": "contractor"},
    )


@router.post("/login")
async def login(page: PublicPage, form: Form) -> Response:
    posted, errors = LoginForm.read(form)
    values = posted.values()
    if errors:
        return page.render("login.html", 422, title=N_("Log in"), errors=errors, values=values)
    try:
        granted = await page.public().log_in(posted.email, posted.password)
    except ApiProblem as problem:
        message = (
            N_("Too many attempts: wait a few minutes and try again")
            if problem.status == 429
            else N_("The email or password is not right")
        )
        return page.render(
            "login.html",
            problem.status if problem.status == 429 else 422,
            title=N_("Log in"),
            errors={"password": message},
            values=values,
        )
    session = Session(
        jurisdiction_id=page.jid,
        access_token="",
        refresh_token=None,
        access_expires_at=page.app.clock.now(),
        email=posted.email,
    )
    apply_tokens(session, granted, page.app.clock)
    if not session.setup_required:
        await who(page, session)
    session_id = await page.store.start(session, replacing=page.request.state.visitor)
    rotate_visitor(page.request, session_id)
    if session.setup_required:
        return page.redirect(page.path("setup_page"))
    if len(session.company_ids) > 1:
        return page.redirect(page.path("company_page"))
    home = page.path("staff_home" if session.kind == "staff" else "dashboard")
    return page.redirect(safe_next(posted.next, home))


async def who(page: Page, session: Session) -> None:
    me = await MemberApi(UserApi(page.app.gateway, session, page.app.clock), page.jid).me()
    session.email = me.email
    session.display_name = me.display_name or ""
    session.kind = me.kind
    session.roles = list(me.roles)
    session.company_ids = list(me.company_ids)
    session.company_id = session.company_ids[0] if session.company_ids else None


@router.get("/setup")
async def setup_page(page: PublicPage) -> Response:
    if page.session is None or not page.session.setup_required:
        raise LoginRequired(page.jid, page.path("dashboard"))
    return page.render("setup.html", title=N_("Set up your login"))


@router.post("/setup")
async def setup(page: PublicPage, form: Form) -> Response:
    if page.session is None or not page.session.setup_required:
        raise LoginRequired(page.jid, page.path("dashboard"))
    posted, errors = SetupForm.read(form)
    errors = posted.mismatches(errors)
    if not errors:
        try:
            granted = await page.public().set_up(page.session.access_token, posted.body())
        except ApiProblem as problem:
            if problem.status == 401:  # the setup token ran out: log in with the PIN again
                raise LoginRequired(page.jid, page.path("dashboard")) from None
            errors = SetupForm.problems(problem, default="password")
        else:
            apply_tokens(page.session, granted, page.app.clock)
            await who(page, page.session)
            session_id = await page.store.start(page.session, replacing=page.request.state.visitor)
            rotate_visitor(page.request, session_id)
            await page.flash(N_("Your login is set up."))
            return page.redirect(page.path("dashboard"))
    values = {"security_question": posted.security_question}
    return page.render(
        "setup.html", 422, title=N_("Set up your login"), errors=errors, values=values
    )


class SetupForm(FormModel):
    """The first login after a PIN (R-ID-2): a password and a security question."""

    security_question: str = field("security_question")
    security_answer: str = field("security_answer", required=N_("Enter the secret answer"))
    security_answer_again: str = field()
    password: str = field("new_password", required=N_("Enter a new password"), secret=True)
    password_again: str = field(secret=True)

    def mismatches(self, errors: dict[str, str]) -> dict[str, str]:
        """What the page checks beyond each field: the question's length and
        each secret typed twice alike."""
        found: dict[str, str] = {}
        if len(self.security_question) < 3:
            found["security_question"] = N_("Enter a security question of at least 3 characters")
        found |= errors
        if self.security_answer and self.security_answer != self.security_answer_again:
            found["security_answer_again"] = N_("The two secret answers are not the same")
        if self.password and self.password != self.password_again:
            found["password_again"] = N_("The two passwords are not the same")
        return found


async def _company_names(page: Page) -> dict[str, str]:
    """The caller's companies by name (a company's users may read it)."""
    ids = page.session.company_ids if page.session else []
    names = await company_names(page, ids)
    return {company_id: names[company_id] or company_id for company_id in ids}


@router.get("/company")
async def company_page(page: PublicPage) -> Response:
    if page.session is None:
        raise LoginRequired(page.jid, page.path("company_page"))
    return page.render(
        "company.html", title=N_("Choose your company"), names=await _company_names(page)
    )


class ChosenCompany(FormModel):
    company_id: str = field()


@router.post("/company")
async def choose_company(page: PublicPage, form: Form) -> Response:
    if page.session is None:
        raise LoginRequired(page.jid, page.path("company_page"))
    posted, _ = ChosenCompany.read(form)
    chosen = posted.company_id
    if chosen not in page.session.company_ids:
        return page.render(
            "company.html",
            422,
            title=N_("Choose your company"),
            errors={"company_id": N_("Choose one of your companies")},
            names=await _company_names(page),
        )
    page.session.company_id = chosen
    await page.store.save(page.request.state.visitor, page.session)
    return page.redirect(page.path("dashboard"))


@router.post("/logout")
async def logout(page: PublicPage, form: Form) -> Response:
    if page.session is not None and page.session.refresh_token:
        # already revoked or expired: the session ends here anyway
        with contextlib.suppress(ApiProblem):
            await page.public().log_out(page.session.refresh_token)
    await page.store.end(page.request.state.visitor)
    rotate_visitor(page.request, new_id())
    await page.flash(N_("You are logged out."))
    return page.redirect(page.path("login_page"))
