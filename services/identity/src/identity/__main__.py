"""``python -m identity``: serve the identity API (and its workers, by role)."""

from chassis.serve import serve
from identity.bootstrap import create_app
from identity.settings import IdentitySettings

if __name__ == "__main__":
    settings = IdentitySettings()  # type: ignore[call-arg]
    serve(create_app(settings), settings.host, settings.port)
