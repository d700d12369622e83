"""``python -m sandboxpay``: serve the sandbox payment provider."""

from chassis.logging import configure_logging
from chassis.serve import serve
from sandboxpay.app import SandboxSettings, create_sandbox_app

if __name__ == "__main__":
    settings = SandboxSettings()
    configure_logging("sandboxpay", "INFO", True)
    serve(create_sandbox_app(settings), settings.host, settings.port)
