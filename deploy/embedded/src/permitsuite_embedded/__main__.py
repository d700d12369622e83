"""``python -m permitsuite_embedded`` (``make run``): the whole suite on one machine.

Starts, as supervised child processes: the Tansu Kafka-protocol broker, the
SecantusDB MongoDB-wire server (data kept under the data folder), an SMTP
sink; creates the topics; then every service, the sandbox payment provider,
the gateway and the portal (``--replicas 2``: two API and two worker
processes of each service, two gateways and two portals, each set behind one
address); seeds the demo jurisdictions with demo users; prints the URLs.
Ctrl-C (SIGINT/SIGTERM) stops everything in reverse order.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from permitsuite_embedded.suite import Suite


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _failpoint(text: str) -> tuple[str, str]:
    process, _, point = text.partition("=")
    if not process or not point:
        raise argparse.ArgumentTypeError(f"a fail point is PROCESS=POINT, not {text!r}")
    return process, point


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="permitsuite-embedded", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("PERMITSUITE_DATA_DIR", ".permitsuite")),
    )
    p.add_argument(
        "--fresh", action="store_true", help="delete the data folder first (start from scratch)"
    )
    p.add_argument("--host", default=os.environ.get("PERMITSUITE_HOST", "127.0.0.1"))
    p.add_argument("--gateway-port", type=int, default=_env_int("PERMITSUITE_GATEWAY_PORT", 8000))
    p.add_argument("--portal-port", type=int, default=_env_int("PERMITSUITE_PORTAL_PORT", 8090))
    p.add_argument("--identity-port", type=int, default=_env_int("PERMITSUITE_IDENTITY_PORT", 8101))
    p.add_argument(
        "--notifications-port", type=int, default=_env_int("PERMITSUITE_NOTIFICATIONS_PORT", 8106)
    )
    p.add_argument("--permits-port", type=int, default=_env_int("PERMITSUITE_PERMITS_PORT", 8103))
    p.add_argument("--payments-port", type=int, default=_env_int("PERMITSUITE_PAYMENTS_PORT", 8104))
    p.add_argument(
        "--inspections-port", type=int, default=_env_int("PERMITSUITE_INSPECTIONS_PORT", 8105)
    )
    p.add_argument(
        "--integrations-port", type=int, default=_env_int("PERMITSUITE_INTEGRATIONS_PORT", 8107)
    )
    p.add_argument(
        "--sandbox-port",
        type=int,
        default=_env_int("PERMITSUITE_SANDBOX_PORT", 8190),
        help="the sandbox payment provider (hosted payment page)",
    )
    p.add_argument(
        "--registration-port", type=int, default=_env_int("PERMITSUITE_REGISTRATION_PORT", 8102)
    )
    p.add_argument("--kafka-port", type=int, default=_env_int("PERMITSUITE_KAFKA_PORT", 19092))
    p.add_argument("--mongo-port", type=int, default=_env_int("PERMITSUITE_MONGO_PORT", 27019))
    p.add_argument("--smtp-port", type=int, default=_env_int("PERMITSUITE_SMTP_PORT", 1025))
    p.add_argument(
        "--mail-http-port", type=int, default=_env_int("PERMITSUITE_MAIL_HTTP_PORT", 8025)
    )
    p.add_argument("--partitions", type=int, default=_env_int("PERMITSUITE_PARTITIONS", 3))
    p.add_argument(
        "--replicas",
        type=int,
        choices=range(1, 5),
        default=_env_int("PERMITSUITE_REPLICAS", 1),
        help="processes of each service: that many API and worker processes each, gateways "
        "and portals, every set behind one address (a local balancer); 1: one of each",
    )
    p.add_argument(
        "--failpoint",
        type=_failpoint,
        action="append",
        default=[],
        metavar="PROCESS=POINT",
        help="for fault-injection tests: the first run of PROCESS (e.g. permits-worker-1) "
        "exits hard at POINT (chassis.faults); it is started again without",
    )
    p.add_argument("--no-seed", action="store_true", help="do not create the demo jurisdiction")
    p.add_argument(
        "--check", action="store_true", help="start, verify readiness, then stop (smoke test)"
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    suite = Suite(args)

    def on_signal(signum: int, frame: object) -> None:
        suite.stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        suite.start()
        if args.check:
            return 0
        suite.supervise()
        return 0 if suite.stopping else 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        suite.say(f"error: {exc}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        suite.stop()


if __name__ == "__main__":
    sys.exit(main())
