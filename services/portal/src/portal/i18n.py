"""The portal's languages: English, and Spanish as the second (many US
jurisdictions must offer it), for every page, staff and public.

The visitor chooses with the language buttons in every page's footer; the
choice is kept in a cookie for a year, and before any choice the browser's
``Accept-Language`` decides. Text is marked where it is written —
``{{ _("Fees due") }}`` and ``{% trans %}`` blocks in templates, ``_()`` in
handlers, ``N_()`` on module constants shown later — and translated from
``locales/es/LC_MESSAGES/messages.po`` (read as it is: no compile step).
Messages a page receives as values (a form's refusals, a flash, a title)
are translated where the page is rendered (:func:`translate`).

``make messages`` extracts every marked text into the catalog; a test fails
while any is left untranslated."""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

LANGUAGES = {"en": "English", "es": "Español"}
"""Each language offered, named in itself (for the switch)."""
DEFAULT = "en"
COOKIE = "portal_lang"
COOKIE_SECONDS = 365 * 24 * 3600
LOCALES = Path(__file__).parent / "locales"
FORMATS = {"en": "en_US", "es": "es_US"}
"""Where numbers, money, dates and times are written as in the US: a
Spanish reader in the US sees ``$1,023.98`` and ``sáb 5/12/2026 8:50 p.m.``"""

_language: ContextVar[str] = ContextVar("portal_language", default=DEFAULT)


@cache
def catalog(language: str) -> stdlib_gettext.NullTranslations:
    """The language's translations (English: the text as written)."""
    source = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT or not source.exists():
        return stdlib_gettext.NullTranslations()
    with source.open("rb") as po:
        messages = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def language() -> str:
    """The language of the page being made (``en`` outside a request)."""
    return _language.get()


def format_locale() -> str:
    """The Babel locale that numbers, money, dates and times follow."""
    return FORMATS[language()]


def gettext(message: str) -> str:
    if not message:  # gettext's "" is the catalog's header, not a translation
        return message
    return catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(language()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks a constant for translation where it is shown, not where it is
    defined (a form field's message, a table of titles)."""
    return message


def translate(message: Any) -> Any:
    """A message received as a value, in the page's language where the
    catalog has it (a refusal from the API may not be: it stays as written);
    a dict's values each (a form's refusals by field, a flash)."""
    if isinstance(message, dict):
        return {k: translate(v) for k, v in message.items()}
    if isinstance(message, str):
        return gettext(message)
    return message


def chosen(cookie: str | None, accept_language: str | None) -> str:
    """The visitor's language: the one chosen (the cookie), else the first
    of the browser's preferences that is offered, else English."""
    if cookie in LANGUAGES:
        return cookie
    preferred: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _sep, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                continue
        if tag:
            preferred.append((quality, tag))
    ordered = [tag for _q, tag in sorted(preferred, key=lambda p: -p[0])]
    try:
        found = Locale.negotiate(ordered, list(LANGUAGES), sep="-")
    except (UnknownLocaleError, ValueError):
        found = None
    return str(found) if found else DEFAULT


@contextmanager
def in_language_of(request: Request) -> Iterator[None]:
    """The visitor's language for what is made inside (an error page made
    outside the middleware: a crash's)."""
    cookie = request.cookies.get(COOKIE)
    token = _language.set(chosen(cookie, request.headers.get("accept-language")))
    try:
        yield
    finally:
        _language.reset(token)


class LanguageMiddleware:
    """Sets the request's language before anything below runs (pages, error
    pages alike): :func:`language` answers it everywhere in the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with in_language_of(Request(scope)):
            await self.app(scope, receive, send)
