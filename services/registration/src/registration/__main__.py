"""``python -m registration``: serve the registration API."""

from chassis.serve import serve
from registration.bootstrap import create_app
from registration.settings import RegistrationSettings

if __name__ == "__main__":
    settings = RegistrationSettings()
    serve(create_app(settings), settings.host, settings.port)
