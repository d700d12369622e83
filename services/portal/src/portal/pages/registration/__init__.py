"""Contractor self-registration (seeds 001/002, R-REG-1 … R-REG-5).

Register (user type and email) → the emailed link → Company (name, trades,
licenses) → Requirements (fields and uploads) → Profile → Review and
password → submitted; then the states: Pending Validation, accepted,
returned (Update Requirements on the items marked Needs Info, then
Resubmit) and denied.

The API's token for the draft (``X-Registration-Token``) stays in the
portal's database, under the browser's cookie (:class:`DraftStore`): opening
a link gives the browser a new cookie, so an id planted before cannot reach
the draft. Every step saves to the API at once, so "Back" loses nothing.
"""

from fastapi import APIRouter

from portal.pages.registration import after, start, steps

router = APIRouter()
for part in (start, steps, after):
    router.include_router(part.router)
