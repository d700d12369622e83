"""In-process test support for rules and consumers: the unit of work and
repositories as fakes (``fakes``), and handing an event to a service's
consumers without a broker (``delivery``). Tests that need real processes
(broker, database, services) use the ``devstack`` workspace package, which
the production chassis never imports."""
