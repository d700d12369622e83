"""The portal's pages, one module per area of the seeds' menus."""

from portal.pages import auth, cart, dashboard, home, permits

ROUTERS = [home.router, auth.router, dashboard.router, permits.router, cart.router]
