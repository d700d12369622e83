"""``python -m inspections``: serve the inspections API."""

from chassis.serve import serve
from inspections.bootstrap import create_app
from inspections.settings import InspectionsSettings

if __name__ == "__main__":
    settings = InspectionsSettings()
    serve(create_app(settings), settings.host, settings.port)
