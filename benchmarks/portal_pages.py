"""Benchmark: the portal's pages stay flat in a jurisdiction's size (issue 23).

Starts the whole embedded suite as `make run` does (a throwaway data folder,
free ports, the demo seeded), logs in to the portal as the demo contractor
(a real session cookie), puts RES26-0003's fees in the contractor's cart,
and times three pages through the portal and the gateway on real processes:

- ``dashboard``: ``/j/demo/dashboard``;
- ``checkout``: ``/j/demo/cart`` (the Checkout Summary: the cart, every
  method's total, payments in progress, Pay All Fees' other permits);
- ``permit``: ``/j/demo/permits/{RES26-0003}`` (the permit, its fees,
  documents and inspections).

First with the demo grown to ``BENCH_PORTAL_SMALL`` (1,000) permits of other
people's history, then to ``BENCH_PORTAL_LARGE`` (100,000), in the same run:
the small size is the baseline. At concurrency 1 and 16. Targets: p50 at the
large size over p50 at the small ≤ 1.2, p50 ≤ 150 ms at the large size
(concurrency 1), and pages per second at concurrency 16. Writes
``benchmarks/results/portal_pages.json`` and ``portal_pages.png``.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks import plots
from benchmarks.dashboard_latency import measure
from benchmarks.embedded import Suite, launched_suite
from benchmarks.history import grow_history
from benchmarks.report import save

RESULTS = Path(__file__).parent / "results"
SMALL = int(os.environ.get("BENCH_PORTAL_SMALL", "1000"))
LARGE = int(os.environ.get("BENCH_PORTAL_LARGE", "100000"))
CONCURRENCY = (1, 16)
PAGES = ("dashboard", "checkout", "permit")


def _fees_in_the_cart(suite: Suite, token: str) -> str:
    """RES26-0003 (seed 003's $1,023.98) in the contractor's cart; its id."""
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{suite.gateway}/v1/jurisdictions/demo"
    rows = httpx.get(f"{base}/dashboard/permits", headers=headers, timeout=60).json()["items"]
    permit = next(r for r in rows if r["number"] == "RES26-0003")
    r = httpx.post(
        f"{base}/cart/items", headers=headers, json={"permit_id": permit["id"]}, timeout=60
    )
    assert r.status_code == 204, r.text
    return str(permit["id"])


def _pages(http: httpx.AsyncClient, portal: str, permit_id: str) -> dict[str, Any]:
    def page(path: str, *expected: str) -> Any:
        async def get() -> None:
            r = await http.get(f"{portal}{path}")
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            for text in expected:
                assert text in r.text, (path, text)

        return get

    return {
        "dashboard": page("/j/demo/dashboard", "My Active Permits", "RES26-0003"),
        "checkout": page("/j/demo/cart", "Checkout Summary", "$1,023.98"),
        "permit": page(f"/j/demo/permits/{permit_id}", "RES26-0003"),
    }


async def _measure(suite: Suite, size: int, permit_id: str) -> list[dict[str, Any]]:
    cookie = suite.logins()["BENCH_PORTAL_COOKIE"]
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        timeout=600, limits=limits, headers={"Cookie": cookie}, follow_redirects=False
    ) as http:
        calls = _pages(http, suite.portal, permit_id)
        rows = []
        for name in PAGES:
            for c in CONCURRENCY:
                stats = await measure(calls[name], c, max(48, 4 * c))
                row = {"size": size, "page": name, "concurrency": c, **stats}
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def of(page: str, size: int, c: int) -> dict[str, Any]:
        return next(r for r in rows if (r["page"], r["size"], r["concurrency"]) == (page, size, c))

    return {
        "ratio_p50_large_vs_small": {
            page: {
                str(c): round(of(page, LARGE, c)["p50_ms"] / of(page, SMALL, c)["p50_ms"], 2)
                for c in CONCURRENCY
            }
            for page in PAGES
        },
        "p50_ms_at_large_c1": {page: of(page, LARGE, 1)["p50_ms"] for page in PAGES},
        "pages_per_second_at_large_c16": {page: of(page, LARGE, 16)["rps"] for page in PAGES},
        "targets": {
            "ratio_p50_large_vs_small": "<= 1.2",
            "p50_ms_at_large_c1": "<= 150",
        },
    }


def main() -> dict[str, Any]:
    with launched_suite() as suite:
        permit_id = _fees_in_the_cart(suite, suite.logins()["BENCH_CONTRACTOR_TOKEN"])
        rows, grown = [], {}
        for size, first in ((SMALL, 0), (LARGE, SMALL)):
            started = time.monotonic()
            asyncio.run(grow_history(suite.mongo, size - first, first))
            grown[size] = round(time.monotonic() - started, 1)
            rows += asyncio.run(_measure(suite, size, permit_id))
    result = {
        "benchmark": "portal_pages",
        "sizes": [SMALL, LARGE],
        "seconds_to_grow": grown,
        "results": rows,
        **summarize(rows),
    }
    save(
        RESULTS / "portal_pages.json",
        result,
        show={k: v for k, v in result.items() if k != "results"},
    )
    plots.bars(RESULTS / "portal_pages.png", "portal pages", plots.portal_pages(result))
    return result


if __name__ == "__main__":
    main()
