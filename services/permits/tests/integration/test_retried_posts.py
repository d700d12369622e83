"""Issue 22, defect 12, for every creating POST of permits besides the
application: a client that did not get an answer and retries with its
Idempotency-Key changes the permit once (R-PER-4 comments and documents)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.7\n" + b"1" * 3000


async def _permit(harness: Any) -> tuple[str, dict[str, str]]:
    await harness.setup_type("alpha")
    staff = harness.token("alpha", "staff", roles=["plan_reviewer"])
    permit = (
        await harness.http.post(
            "/v1/jurisdictions/alpha/permits", headers=staff, json=harness.application()
        )
    ).json()
    return f"/v1/jurisdictions/alpha/permits/{permit['id']}", staff


async def test_a_retried_comment_with_its_key_is_added_once(harness: Any) -> None:
    """R-PER-4: the retry answers the permit as the first request left it."""
    url, staff = await _permit(harness)
    keyed = {**staff, "Idempotency-Key": "comment-1"}
    first = await harness.http.post(f"{url}/comments", headers=keyed, json={"text": "Site plan?"})
    again = await harness.http.post(f"{url}/comments", headers=keyed, json={"text": "Site plan?"})
    assert first.status_code == 200 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    seen = (await harness.http.get(url, headers=staff)).json()
    assert [c["text"] for c in seen["comments"]] == ["Site plan?"]
    other = await harness.http.post(f"{url}/comments", headers=keyed, json={"text": "Other"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_retried_upload_with_its_key_attaches_one_document(harness: Any) -> None:
    """R-PER-4: the retry is another multipart body (a new boundary) with the
    same file; it answers the first upload and stores nothing more. The key
    with another file is a 422 naming it."""
    url, staff = await _permit(harness)
    keyed = {**staff, "Idempotency-Key": "upload-1"}
    first = await harness.http.post(
        f"{url}/documents", headers=keyed, files={"file": ("plans.pdf", PDF)}
    )
    again = await harness.http.post(
        f"{url}/documents", headers=keyed, files={"file": ("plans.pdf", PDF)}
    )
    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["documents"] == first.json()["documents"]
    assert len(first.json()["documents"]) == 1
    other = await harness.http.post(
        f"{url}/documents", headers=keyed, files={"file": ("plans.pdf", PDF + b"2")}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await harness.app.runtime.db["documents.files"].count_documents({}) == 1
    # without a key a document is still taken (the key is optional)
    plain = await harness.http.post(
        f"{url}/documents", headers=staff, files={"file": ("plans.pdf", PDF)}
    )
    assert len(plain.json()["documents"]) == 2
