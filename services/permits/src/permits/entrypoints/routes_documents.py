"""Routes: a permit's attachments (R-PER-4)."""

from __future__ import annotations

from fastapi import APIRouter, UploadFile
from fastapi.responses import StreamingResponse

from chassis.api import Tenant
from chassis.documents import DOWNLOAD_RESPONSES, download_response, upload_chunks
from chassis.errors import problem_responses
from permits.entrypoints.dependencies import App, AttachCall
from permits.entrypoints.schemas import PermitOut, permit_doc, permit_out
from permits.service_layer import documents

router = APIRouter(tags=["permits"], responses=problem_responses(400, 401, 403, 404, 413, 422))


@router.post(
    "/permits/{permit_id}/documents",
    response_model=PermitOut,
    summary="Attach a document (PDF, PNG, JPEG; type checked by content; size-limited)",
    description="Send an `Idempotency-Key` to retry safely: the same file under the same key "
    "is attached once (`Idempotent-Replayed: true` on the retry).",
)
async def attach(
    jurisdiction_id: str,
    permit_id: str,
    file: UploadFile,
    user: Tenant,
    app: App,
    call: AttachCall,
) -> PermitOut:
    doc = await call.run(
        lambda: documents.attach(
            app.units,
            app.files,
            user,
            jurisdiction_id,
            permit_id,
            filename=file.filename or "",
            chunks=upload_chunks(file),
            max_bytes=app.max_document_bytes,
        ),
        render=permit_doc,
    )
    return permit_out(doc)


@router.get(
    "/permits/{permit_id}/documents/{file_id}",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
    summary="Download a permit's document",
)
async def download(
    jurisdiction_id: str, permit_id: str, file_id: str, user: Tenant, app: App
) -> StreamingResponse:
    stream = await documents.open_document(
        app.units, app.files, user, jurisdiction_id, permit_id, file_id
    )
    return download_response(stream)
