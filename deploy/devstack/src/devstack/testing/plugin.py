"""pytest fixtures: real broker and database for the session, isolation per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from chassis import queryshape
from chassis.clock import ManualClock
from devstack.testing.infra import Infra, TestScope, provide_infra, scope_name

# Tests refuse a read outside the flat shapes (chassis.queryshape), here and in
# every service process they start (the environment is inherited).
os.environ.setdefault("PERMITSUITE_QUERY_SHAPES", "refuse")
queryshape.set_mode(queryshape.mode_from_env())


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    log_dir = Path(tmp_path_factory.mktemp("infra-logs"))
    with provide_infra(log_dir) as provided:
        yield provided


@pytest.fixture
def scope(infra: Infra, request: pytest.FixtureRequest) -> TestScope:
    """A unique database name and topic prefix for this test."""
    return TestScope(infra, scope_name(request.node.nodeid))


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    path = tmp_path / "logs"
    path.mkdir()
    return path
