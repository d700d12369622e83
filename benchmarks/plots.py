"""PNG plots of the benchmarks whose results are a few figures (each
benchmark's JSON in ``results/`` is the source): grouped bars, the same-run
baseline beside what it is compared with.

    python -m benchmarks.plots        # redraw every plot from results/*.json

``make bench`` runs it after the benchmarks. ``read_paths`` and
``dashboard_latency`` draw their own (latency against size or concurrency);
``capacity`` draws with :func:`capacity` (latency and throughput against the
offered rate).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
Panel = tuple[str, str, dict[str, dict[str, float]]]  # title, unit, {group: {series: value}}


def bars(path: Path, title: str, panels: list[Panel]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    for ax, (panel_title, unit, groups) in zip(axes[0], panels, strict=True):
        series = list(dict.fromkeys(s for values in groups.values() for s in values))
        width = 0.8 / max(len(series), 1)
        for i, name in enumerate(series):
            xs = [g + i * width for g in range(len(groups))]
            ys = [values.get(name, 0.0) for values in groups.values()]
            drawn = ax.bar(xs, ys, width=width, label=name)
            ax.bar_label(drawn, fmt="%.1f", fontsize=8)
        ax.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))])
        ax.set_xticklabels(list(groups), fontsize=9)
        ax.set_ylabel(unit)
        ax.set_title(panel_title)
        ax.grid(axis="y", alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def outbox_throughput(r: dict[str, Any]) -> list[Panel]:
    latency = r["commit_to_effect_ms"]
    return [
        (
            "events/s (one partition)",
            "events/s",
            {
                "bare, per event": {"events/s": r["bare_per_event_events_per_s"]},
                "bare, per poll": {"events/s": r["bare_batched_events_per_s"]},
                "chassis": {"events/s": r["chassis_events_per_s"]},
            },
        ),
        (
            f"commit → effect, {latency['events']} events at {latency['rate_per_s']:g}/s",
            "ms",
            {"chassis": {"p50": latency["p50"], "p99": latency["p99"]}},
        ),
    ]


def payments_flow(r: dict[str, Any]) -> list[Panel]:
    counter, online = r["baseline_counter_payment_ms"], r["online_payment_ms"]
    return [
        (
            "checkout → permit paid",
            "ms",
            {
                "counter (baseline)": {"p50": counter["p50"], "p99": counter["p99"]},
                f"online, {r['concurrency']} payers": {"p50": online["p50"], "p99": online["p99"]},
            },
        )
    ]


def idle_writes(r: dict[str, Any]) -> list[Panel]:
    fresh, idle = r["fresh"], r["after_idle"]
    return [
        (
            f"permit applications, fresh vs after {r['idle_minutes']:g} idle min",
            "ms",
            {
                "fresh (baseline)": {"p50": fresh["p50_ms"], "p99": fresh["p99_ms"]},
                "after idle": {"p50": idle["p50_ms"], "p99": idle["p99_ms"]},
            },
        )
    ]


def embedded_settings(r: dict[str, Any]) -> list[Panel]:
    runs = r["fetch_wait"]["runs"]
    writes = r["retry_writes"]
    return [
        (
            "publish → handler by fetch wait",
            "ms",
            {f"{run['fetch_max_wait_ms']} ms": dict(run["publish_to_handled_ms"]) for run in runs},
        ),
        (
            "ms per write, first vs last 1,000",
            "ms",
            {
                name: {
                    "first": writes[name]["first_ms_per_write"],
                    "last": writes[name]["last_ms_per_write"],
                }
                for name in ("retryWrites=true", "retryWrites=false")
            },
        ),
        (
            "transactions/s",
            "transactions/s",
            {k: {"tx/s": v} for k, v in r["sync_on_commit"]["transactions_per_s"].items()},
        ),
    ]


def capacity(result: dict[str, Any]) -> Path:
    """Latency and throughput against the offered rate, the knee marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps, knee = result["steps"], result["knee_rps"]
    rates = [s["offered_rps"] for s in steps]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(rates, [s["p50_ms"] for s in steps], "o-", label="p50")
    left.plot(rates, [s["p95_ms"] for s in steps], "o-", label="p95")
    left.axhline(1000, color="grey", linestyle=":", label="p95 target 1 s")
    left.set(xlabel="offered requests/s", ylabel="ms", title="Latency", yscale="log")
    right.plot(rates, [s["achieved_rps"] for s in steps], "o-", label="achieved")
    right.plot(rates, rates, ":", color="grey", label="offered")
    shed = [s["shed_503_429"] / result["step_seconds"] for s in steps]
    right.bar(rates, shed, width=2, alpha=0.4, label="shed/s")
    right.set(xlabel="offered requests/s", ylabel="requests/s", title="Throughput")
    for axis in (left, right):
        if knee:
            axis.axvline(knee, color="red", alpha=0.4, label=f"knee {knee:g}/s")
        axis.legend()
    permits, cores = result["permits_in_jurisdiction"], result["machine"]["cpus"]
    fig.suptitle(f"Embedded suite, {permits:,} permits, {cores} cores, Poisson arrivals")
    fig.tight_layout()
    target = RESULTS / "capacity.png"
    fig.savefig(target, dpi=90)
    plt.close(fig)
    return target


def portal_pages(r: dict[str, Any]) -> list[Panel]:
    small, large = r["sizes"]

    def of(page: str, size: int, c: int, key: str) -> float:
        return float(
            next(
                x[key]
                for x in r["results"]
                if (x["page"], x["size"], x["concurrency"]) == (page, size, c)
            )
        )

    pages = list(r["p50_ms_at_large_c1"])
    return [
        (
            "p50 at concurrency 1",
            "ms",
            {
                p: {
                    f"{small:,} (baseline)": of(p, small, 1, "p50_ms"),
                    f"{large:,}": of(p, large, 1, "p50_ms"),
                }
                for p in pages
            },
        ),
        (
            "pages per second at concurrency 16",
            "pages/s",
            {
                p: {
                    f"{small:,} (baseline)": of(p, small, 16, "rps"),
                    f"{large:,}": of(p, large, 16, "rps"),
                }
                for p in pages
            },
        ),
    ]


PLOTS: dict[str, Callable[[dict[str, Any]], list[Panel]]] = {
    "outbox_throughput": outbox_throughput,
    "payments_flow": payments_flow,
    "idle_writes": idle_writes,
    "embedded_settings": embedded_settings,
    "portal_pages": portal_pages,
}


def main() -> list[Path]:
    drawn = []
    for name, panels in PLOTS.items():
        source = RESULTS / f"{name}.json"
        if source.exists():
            target = source.with_suffix(".png")
            bars(target, name.replace("_", " "), panels(json.loads(source.read_text())))
            drawn.append(target)
    return drawn


if __name__ == "__main__":
    for path in main():
        print(path)
