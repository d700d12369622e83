"""Spanish for every page (issue 27): every text the templates and the code
mark is in the Spanish catalog, translated, with the same placeholders; the
visitor's language is the one chosen, else the browser's, else English; and
dates, times and money are written as a Spanish reader in the US expects."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from portal import i18n
from portal.formats import day_text, label, moment_text, money

PORTAL = Path(i18n.__file__).parent
CONFIG = PORTAL.parents[1] / "babel.cfg"
CATALOG = PORTAL / "locales" / "es" / "LC_MESSAGES" / "messages.po"


@contextmanager
def speaking(language: str) -> Iterator[None]:
    token = i18n._language.set(language)
    try:
        yield
    finally:
        i18n._language.reset(token)


def marked_messages() -> set[str]:
    """What ``make messages`` extracts: every ``_()``, ``N_()``, ``gettext()``
    and ``{% trans %}`` of the portal's code and templates."""
    with CONFIG.open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PORTAL), method_map, options_map
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_text_has_its_spanish() -> None:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="es")
    marked = marked_messages()
    assert len(marked) > 800  # the extraction found the pages, not nothing
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(marked - translated)
    assert not missing, f"not in Spanish yet (run make messages, then translate): {missing[:10]}"


def test_each_translation_keeps_the_placeholders_of_its_text() -> None:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="es")
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
    braces = [m for m in catalog if m.id and "{" in str(m.id)]
    for message in braces:  # str.format placeholders, which gettext does not check
        assert sorted(_fields(str(message.id))) == sorted(_fields(str(message.string))), message.id


def _fields(text: str) -> list[str]:
    return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name]


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        (None, None, "en"),
        (None, "es-MX,es;q=0.9,en;q=0.8", "es"),
        (None, "fr-FR, es;q=0.5", "es"),
        (None, "en-US,en;q=0.9,es;q=0.8", "en"),
        (None, "de, fr", "en"),
        ("en", "es-MX", "en"),  # a choice beats the browser
        ("es", "en-US", "es"),
        ("xx", "es", "es"),  # an unknown cookie is no choice
        (None, "es;q=garbage, en", "en"),
    ],
)
def test_the_language_is_the_choice_else_the_browsers_else_english(
    cookie: str | None, accept: str | None, expected: str
) -> None:
    assert i18n.chosen(cookie, accept) == expected


def test_dates_and_times_are_written_the_spanish_way_in_the_jurisdictions_zone() -> None:
    """R-PAY-5's local dates: 8:50 PM in Boise on December 5 is December 5
    in either language; Spanish puts the day first."""
    instant = "2026-12-06T03:50:00Z"
    assert day_text(instant, "America/Boise") == "Sat 12/5/2026"
    assert moment_text(instant, "America/Boise") == "Sat 12/5/2026 8:50 PM MST"
    with speaking("es"):
        assert day_text(instant, "America/Boise") == "sáb 5/12/2026"
        assert moment_text(instant, "America/Boise") == "sáb 5/12/2026 8:50 p.m. MST"
        assert day_text("2026-12-08", "America/Boise") == "mar 8/12/2026"


def test_money_and_statuses_in_spanish() -> None:
    """US dollars stay ``$1,023.98`` for a Spanish reader in the US (es-US);
    a status code reads as words of the page's language."""
    with speaking("es"):
        assert money("1023.98") == "$1,023.98"
        assert label("READY_TO_ISSUE") == "LISTO PARA EMITIR"
        assert i18n.translate("a refusal the catalog does not have") == (
            "a refusal the catalog does not have"
        )
    assert label("READY_TO_ISSUE") == "READY TO ISSUE"


def test_nothing_stays_nothing_in_spanish() -> None:
    """A history line with no "from" status: an empty label, not the
    catalog's header (what gettext gives for "")."""
    with speaking("es"):
        assert label("") == "" and label(None) == ""
        assert i18n.gettext("") == "" and i18n.translate("") == ""


TOKENS = re.compile(r"({#.*?#}|{%.*?%}|{{.*?}}|<(?:[^>{]|{{.*?}}|{%.*?%}|{)*>)", re.S)
TRANS_BLOCK = re.compile(r"{% trans\b.*?{% endtrans %}", re.S)
SHOWN_ATTRIBUTE = re.compile(r'\b(?:alt|aria-label|title|placeholder|data-label)="([^"]*)"')
NAMES = {"Permitsuite"}  # a name, the same in every language


def _unmarked(template: str) -> list[str]:
    """Words a template shows that no ``_()`` or ``{% trans %}`` marks: text
    between tags, and the attributes a person reads or hears."""
    text = TRANS_BLOCK.sub("", template)
    found = []
    for part in TOKENS.split(text):
        if part.startswith("<"):
            for value in SHOWN_ATTRIBUTE.findall(part):
                if re.search("[A-Za-z]{2}", TOKENS.sub("", value)):
                    found.append(value)
        elif (
            not part.startswith("{")
            and re.search("[A-Za-z]{2}", part)
            and part.strip() not in NAMES
        ):
            found.append(part.strip())
    return found


def test_every_template_marks_the_words_it_shows() -> None:
    """Spanish for every page holds only if no English is left unmarked."""
    templates = sorted((PORTAL / "templates").glob("*.html"))
    assert len(templates) > 50
    unmarked = {t.name: _unmarked(t.read_text()) for t in templates}
    assert {name: words for name, words in unmarked.items() if words} == {}
