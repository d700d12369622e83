"""Identity use cases, one module per area; each function is one command or query."""

from identity.handlers.common import Identity

__all__ = ["Identity"]
