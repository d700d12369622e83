"""Uploaded documents in GridFS: type sniffed from magic bytes, size-limited, SHA-256.

Used for registration requirements and permit attachments.

A file is streamed into GridFS while its size and hash are computed; if it
grows past the limit the upload is aborted, so no partial file is left.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import filetype
from bson import ObjectId
from fastapi.responses import StreamingResponse
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase

from chassis.errors import ProblemError, Unprocessable, field_error
from chassis.refusals import Missing

BUCKET = "documents"
CHUNK = 256 * 1024
SNIFF_BYTES = 8192


class TooLarge(ProblemError):
    status = 413
    slug = "payload-too-large"
    title = "Document too large"


@dataclass(frozen=True)
class StoredDocument:
    file_id: str
    filename: str
    content_type: str
    size: int
    sha256: str

    def as_doc(self) -> dict[str, Any]:
        return self.__dict__.copy()


class DocumentStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)

    async def store(
        self,
        chunks: AsyncIterator[bytes],
        *,
        filename: str,
        accepted_types: tuple[str, ...],
        max_bytes: int,
        metadata: dict[str, Any],
    ) -> StoredDocument:
        first = b""
        async for chunk in chunks:  # gather enough bytes to recognise the type
            first += chunk
            if len(first) >= SNIFF_BYTES:
                break
        kind = filetype.guess(first[:SNIFF_BYTES]) if first else None
        content_type = kind.mime if kind else "application/octet-stream"
        if content_type not in accepted_types:
            msg = f"the file's content is {content_type}; accepted: {', '.join(accepted_types)}"
            raise Unprocessable(msg, errors=[field_error("file", msg, "file.content_type")])
        digest = hashlib.sha256()
        size = 0
        upload = self.bucket.open_upload_stream(
            filename, metadata={**metadata, "content_type": content_type}
        )
        try:
            for piece in (first,):
                size += len(piece)
                if size > max_bytes:
                    raise TooLarge(f"documents may have at most {max_bytes} bytes")
                digest.update(piece)
                await upload.write(piece)
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"documents may have at most {max_bytes} bytes")
                digest.update(chunk)
                await upload.write(chunk)
        except BaseException:
            await upload.abort()  # removes the chunks written so far
            raise
        await upload.close()
        return StoredDocument(str(upload._id), filename, content_type, size, digest.hexdigest())

    async def delete(self, file_id: str) -> None:
        with contextlib.suppress(NoFile):
            await self.bucket.delete(ObjectId(file_id))

    async def open(self, file_id: str, jurisdiction_id: str) -> Any:
        """The download stream, only if the file belongs to the jurisdiction."""
        try:
            stream = await self.bucket.open_download_stream(ObjectId(file_id))
        except (NoFile, Exception) as exc:
            raise Missing("no such document") from exc
        if (stream.metadata or {}).get("jurisdiction_id") != jurisdiction_id:
            raise Missing("no such document")
        return stream


def content_disposition(filename: str) -> str:
    """``attachment`` under the file's own name, whatever its script (RFC 6266):
    ``filename*`` carries it UTF-8 percent-encoded (RFC 8187); ``filename`` an
    ASCII stand-in for clients that predate it (no quote, backslash or control
    character, so the header always parses)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(stream: Any) -> StreamingResponse:
    """Stream a GridFS file to the client as an attachment."""

    async def body() -> AsyncIterator[bytes]:
        while piece := await stream.readchunk():
            yield piece

    content_type = (stream.metadata or {}).get("content_type", "application/octet-stream")
    return StreamingResponse(
        body(),
        media_type=content_type,
        headers={"Content-Disposition": content_disposition(stream.filename or "document")},
    )


async def upload_chunks(file: Any, size: int = CHUNK) -> AsyncIterator[bytes]:
    """Read an uploaded file (FastAPI ``UploadFile``) piece by piece."""
    while piece := await file.read(size):
        yield piece


DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the stored file, with the content type sniffed at upload "
        "(application/pdf, image/png … as the route accepted; application/octet-stream if unknown)",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}
"""For a download route's ``responses=``: documents what ``download_response`` streams."""
