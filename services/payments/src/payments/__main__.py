"""``python -m payments``: serve the payments API."""

from chassis.serve import serve
from payments.bootstrap import create_app
from payments.settings import PaymentsSettings

if __name__ == "__main__":
    settings = PaymentsSettings()
    serve(create_app(settings), settings.host, settings.port)
