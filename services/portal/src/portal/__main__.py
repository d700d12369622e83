"""``python -m portal``: serve the web portal."""

from chassis.serve import serve
from portal.app import create_app
from portal.settings import PortalSettings

if __name__ == "__main__":
    settings = PortalSettings()  # type: ignore[call-arg]  # secrets come from the environment
    serve(create_app(settings), settings.host, settings.port)
