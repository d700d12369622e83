"""``python -m integrations``: serve the integrations API (and its workers, by role)."""

from chassis.serve import serve
from integrations.bootstrap import create_app
from integrations.settings import IntegrationsSettings

if __name__ == "__main__":
    settings = IntegrationsSettings()
    serve(create_app(settings), settings.host, settings.port)
