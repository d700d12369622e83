"""Test support importable by every service's tests and the cross-service tests.

Load the fixtures with ``pytest_plugins = ["devstack.testing.plugin"]`` (the
repository's root ``conftest.py`` does). Infrastructure selection:

* default: embedded real processes (Tansu broker, SecantusDB) on free ports;
* ``PERMITSUITE_TEST_INFRA=containers``: Apache Kafka and MongoDB via
  testcontainers (needs Docker and ``pip install testcontainers``);
* ``KAFKA_BOOTSTRAP_SERVERS`` and ``MONGODB_URL`` set: use those servers.
"""

from devstack.testing.infra import Infra, TestScope
from devstack.testing.kafka import read_records
from devstack.testing.services import ServiceProcess
from devstack.testing.waiting import eventually, eventually_sync

__all__ = ["Infra", "ServiceProcess", "TestScope", "eventually", "eventually_sync", "read_records"]
