"""What a read path costs the database, counted in documents, not time: on
the embedded database a query costs its whole match, so the documents every
``TenantRepository.find`` of a collection returned is what the read read."""

from __future__ import annotations

from typing import Any

import pytest

from chassis.mongo import TenantRepository


class ReadCounter:
    """Counts the documents ``collection``'s finds return while it is installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, collection: str) -> None:
        self.collection = collection
        self.reads: list[int] = []
        real_find = TenantRepository.find

        async def counting(repo: TenantRepository, *args: Any, **kw: Any) -> list[Any]:
            found: list[Any] = await real_find(repo, *args, **kw)
            if repo.collection_name == self.collection:
                self.reads.append(len(found))
            return found

        monkeypatch.setattr(TenantRepository, "find", counting)

    @property
    def documents(self) -> int:
        return sum(self.reads)
