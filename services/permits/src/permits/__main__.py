"""``python -m permits``: serve the permits API."""

from chassis.serve import serve
from permits.bootstrap import create_app
from permits.settings import PermitsSettings

if __name__ == "__main__":
    settings = PermitsSettings()
    serve(create_app(settings), settings.host, settings.port)
