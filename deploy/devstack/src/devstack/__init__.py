"""Permitsuite's local process stack: the embedded broker and database as
local processes (``processes``) and the test harness built on them
(``devstack.testing``). Used by ``make run`` (``permitsuite_embedded``), the
tests and the benchmarks; never by a service in production."""
