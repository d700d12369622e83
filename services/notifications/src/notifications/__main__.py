"""``python -m notifications``: consume events and send email."""

from chassis.serve import serve
from notifications.bootstrap import create_app
from notifications.settings import NotificationsSettings

if __name__ == "__main__":
    settings = NotificationsSettings()
    serve(create_app(settings), settings.host, settings.port)
