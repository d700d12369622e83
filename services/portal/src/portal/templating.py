"""The pages' templates: the Jinja environment with its filters (money,
local dates, labels), ``url()`` by route name, the page's roles
(``may_open``) and its language (``_()``, ``{% trans %}``, ``lang()``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from starlette.routing import NoMatchFound

from portal import i18n
from portal.formats import FILTERS
from portal.staff_roles import may_open

TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
)
TEMPLATES.env.policies["ext.i18n.trimmed"] = True  # a message's whitespace is the HTML's
TEMPLATES.env.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True
)


@pass_context
def url(context: Any, name: str, **params: Any) -> str:
    """A page's path by its route's name, for templates: ``url('dashboard')``,
    ``url('permit', permit_id=p.id)``. The page's own jurisdiction is the
    default where the route has one; each value is quoted for a path."""
    own = params.pop("jurisdiction_id", None) or getattr(context.get("j"), "id", None)
    return path_for(context["request"], name, own, **params)


def path_for(request: Request, name: str, jurisdiction_id: str | None = None, **params: Any) -> str:
    """The path of the route ``name`` (``NoMatchFound`` if there is none with
    these parameters): ``jurisdiction_id`` is used where the route has one."""
    quoted = {k: quote(str(v), safe="") for k, v in params.items()}
    if name == "static":
        return str(request.app.url_path_for("static", path=params["path"]))
    if jurisdiction_id is not None:
        try:
            return str(request.app.url_path_for(name, jurisdiction_id=jurisdiction_id, **quoted))
        except NoMatchFound:
            pass
    return str(request.app.url_path_for(name, **quoted))


TEMPLATES.env.filters.update(FILTERS)
TEMPLATES.env.globals["url"] = url
TEMPLATES.env.globals["may_open"] = may_open
TEMPLATES.env.globals["languages"] = i18n.LANGUAGES
TEMPLATES.env.globals["lang"] = i18n.language
