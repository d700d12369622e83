"""Identity use cases, one module per area; each function is one command or query."""

from identity.service_layer.common import Identity

__all__ = ["Identity"]
