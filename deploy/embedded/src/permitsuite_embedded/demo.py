"""The demo installation `make run` seeds: users and the demo company (the
jurisdictions and their settings are profiles: ``jurisdictions/*.yaml``)."""

from __future__ import annotations

DEMO_COMPANY = {
    "name": "Rich Contractor",
    "license_number": "AEC0119",
    "trades": ["General", "Mechanical"],
    "address": "1502 E Falcon Dr",
    "city": "Meridian",
    "state": "ID",
    "zip": "83642",
    "email": "contractor@demo.example.org",
    "phone": "208-555-0119",
    "admins": ["contractor@demo.example.org"],
}
DEMO_USERS = [
    ("operator", "operator@demo.example.org", "Hosting operator", "operator", []),
    ("staff admin", "admin@demo.example.org", "Dana Admin", "staff", ["admin"]),
    ("contractor", "contractor@demo.example.org", "Rich Contractor", "contractor", []),
    ("community member", "resident@demo.example.org", "Pat Resident", "community_member", []),
    ("inspector", "inspector@demo.example.org", "Ivan Inspector", "staff", ["inspector"]),
]
