"""Downloads of documents whose names are not Latin-1 (issue 22, defect 9):
the upload succeeded and every download answered 500; a ``"`` in the name
broke the header. RFC 6266 with RFC 8187's ``filename*`` for the real name and
a plain ASCII ``filename`` for old clients."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from chassis.documents import download_response


class Stream:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.metadata = {"content_type": "application/pdf"}

    async def readchunk(self) -> bytes:
        return b""


def disposition(name: str) -> str:
    response: Any = download_response(Stream(name))
    values = [v for k, v in response.raw_headers if k == b"content-disposition"]
    assert len(values) == 1
    return values[0].decode("latin-1")


@pytest.mark.parametrize(
    "name",
    ["План участка.pdf", "平面图.pdf", "roof 🏠.pdf", 'say "hi".pdf', "a\\b.pdf", "ação.pdf"],
)
def test_any_file_name_downloads_under_its_own_name(name: str) -> None:
    header = disposition(name)
    assert header.startswith("attachment; ")
    plain, _, extended = header.partition("; filename*=UTF-8''")
    assert unquote(extended, encoding="utf-8") == name  # the real name, RFC 8187
    fallback = plain.removeprefix('attachment; filename="').removesuffix('"')
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback
    assert fallback.endswith(".pdf")


def test_a_plain_name_is_sent_as_it_is() -> None:
    assert (
        disposition("site-plan.pdf")
        == "attachment; filename=\"site-plan.pdf\"; filename*=UTF-8''site-plan.pdf"
    )
