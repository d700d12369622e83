"""The demo installation `make run` seeds: jurisdictions, users, settings, permits."""

from __future__ import annotations

DEMO_JURISDICTION = {
    "id": "demo",
    "name": "Demo County Building Department",
    "time_zone": "America/Boise",
    "branding": {
        "notice": "The permit counter is open Monday to Friday, 8 AM to 5 PM. "
        "Online permits are open at all hours."
    },
    "features": {
        "public_self_enrollment": True,
        "contractor_self_registration": True,
        "online_payments": True,
    },
}
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
DEMO_AUTO_JURISDICTION = {
    "id": "demo-auto",
    "name": "Demo City Permits (automatic contractor acceptance)",
    "time_zone": "America/Denver",
    "features": {"public_self_enrollment": True, "contractor_self_registration": True},
}
DEMO_TRADES = ["General", "Electrical", "Mechanical", "Plumbing"]
DEMO_REGISTRATION = {
    "demo": {
        "enabled": True,
        "acceptance_mode": "staff_review",
        "time_zone": "America/Boise",
        "trades": DEMO_TRADES,
        "license_types": [
            {"code": "RES", "name": "Residential Contractor"},
            {"code": "MASTER_ELEC", "name": "Master Electrician"},
            {"code": "COMMERCIAL", "name": "Commercial Contractor", "online": False},
        ],
        "requirements": [
            {
                "id": "insurance",
                "label": "Certificate of liability insurance",
                "kind": "document",
                "accepted_types": ["application/pdf", "image/png", "image/jpeg"],
                "max_bytes": 5_000_000,
            },
            {
                "id": "insurance_expiry",
                "label": "Insurance expiry date",
                "kind": "field",
                "field_type": "insurance_expiry",
            },
            {
                "id": "elec_license",
                "label": "State electrical license number",
                "kind": "field",
                "field_type": "license_number",
                "trades": ["Electrical"],
            },
            {
                "id": "business_license",
                "label": "City business license",
                "kind": "field",
                "required": False,
            },
        ],
    },
    "demo-auto": {
        "enabled": True,
        "acceptance_mode": "automatic",
        "time_zone": "America/Denver",
        "trades": DEMO_TRADES,
        "license_types": [],
        "requirements": [],
    },
}
DEMO_PAYMENTS = {
    "online_payments": True,
    "currency": "USD",
    "fee_label": "Access Idaho Fee",
    "methods": [
        {"code": "card", "label": "Credit Card - 3%", "fee_percent": "3"},
        {"code": "echeck", "label": "Electronic Check - $1.50", "fee_flat": "1.50"},
    ],
}
DEMO_PERMIT_TYPES = {
    "RES": {
        "name": "RESIDENTIAL",
        "number_format": "RES{yy}-{seq:04}",
        "auto_issue": True,  # issued electronically once its fees are paid
        "inspection_types": ["ADDRESSING", "BUILDING FINAL"],
        "fee_schedule": [
            {"code": "MECH", "name": "MECHANICAL PERMIT", "amount": "96.00"},
            {"code": "PRB", "name": "PLAN REVIEW FEE BALANCE", "amount": "65.08"},
            {
                "code": "BLDG",
                "name": "BUILDING PERMIT FEE",
                "kind": "valuation",
                "rate": "2.603",
                "per": "1000",
            },
            {"code": "PLAN", "name": "PLANNING", "amount": "35.00"},
            {"code": "PPR", "name": "RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "amount": "130.15"},
            {"code": "FIRE", "name": "FIRE DISTRICT INSPECTION FEE", "amount": "47.00"},
        ],
    },
    "MECH": {
        "name": "MECHANICAL",
        "number_format": "WEB{yy}-{seq:04}",
        "inspection_types": ["MECHANICAL ROUGH", "MECHANICAL FINAL"],
    },
    "ELEC": {
        "name": "ELECTRICAL",
        "number_format": "ELEC{yy}-{seq:04}",
        "inspection_types": ["ELECTRICAL FINAL"],
    },
    "CMECH": {
        "name": "COMMERCIAL MECHANICAL/GAS",
        "number_format": "CMECH{yy}-{seq:05}",
        "inspection_types": ["MECHANICAL FINAL"],
    },
}
DEMO_USERS = [
    ("operator", "operator@demo.example.org", "Hosting operator", "operator", []),
    ("staff admin", "admin@demo.example.org", "Dana Admin", "staff", ["admin"]),
    ("contractor", "contractor@demo.example.org", "Rich Contractor", "contractor", []),
    ("community member", "resident@demo.example.org", "Pat Resident", "community_member", []),
    ("inspector", "inspector@demo.example.org", "Ivan Inspector", "staff", ["inspector"]),
]
DEMO_INSPECTIONS = {
    "working_days": [0, 1, 2, 3, 4],
    "next_day_cutoff": "16:00",
    "cancel_cutoff": "06:00",
    "horizon_days": 14,
    "capacity": {"BUILDING FINAL": 10},
    "ampm_allowed": True,
}
