"""Identity use cases, one module per area: each handler takes one command
(or query) and the unit of work, ``handler(cmd, uow)``."""
