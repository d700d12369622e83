"""Words the pages show that come from the API as codes — statuses, results,
methods, the names of settings' columns — marked here so that the catalog
has them (``| label`` and ``| t`` translate them where they are shown)."""

from __future__ import annotations

from portal.i18n import N_

PERMIT_STATUSES = (
    N_("SUBMITTED"),
    N_("IN REVIEW"),
    N_("PENDING APPROVAL"),
    N_("AWAITING PAYMENT"),
    N_("READY TO ISSUE"),
    N_("ISSUED"),
    N_("T.C.O."),
    N_("FINALED"),
    N_("CANCELLED"),
    N_("EXPIRED"),
)
QUEUE_NAMES = (  # the review queues' buttons (``staff_permits.LABELS``)
    N_("Submitted"),
    N_("In Review"),
    N_("Pending Approval"),
    N_("Awaiting Payment"),
    N_("Ready To Issue"),
)
INSPECTION_WORDS = (
    N_("SCHEDULED"),
    N_("RESULTED"),
    N_("REQUESTED"),
    N_("DONE"),
    N_("pass"),
    N_("fail"),
    N_("partial"),
    N_("cancelled"),
    N_("no access"),
)
PAYMENT_STATUSES = (
    N_("CREATED"),
    N_("PENDING"),
    N_("SETTLED"),
    N_("FAILED"),
    N_("REFUNDING"),
    N_("REFUNDED"),
    N_("PARTIALLY REFUNDED"),
)
FEE_STATUSES = (N_("open"), N_("paid"), N_("voided"))
PEOPLE_STATUSES = (N_("invited"), N_("active"), N_("disabled"), N_("revoked"))
REGISTRATION_WORDS = (
    N_("draft"),
    N_("pending validation"),
    N_("returned"),
    N_("accepted"),
    N_("denied"),
    N_("submitted"),
    N_("resubmitted"),
    N_("reviewed"),
    N_("approved"),
    N_("needs info"),
    N_("not reviewed"),
)
SETTINGS_COLUMNS = (  # the setup tables' columns, in their rows' labels
    N_("code"),
    N_("name"),
    N_("label"),
    N_("id"),
    N_("kind"),
    N_("amount"),
    N_("rate"),
    N_("per"),
    N_("fee percent"),
    N_("fee flat"),
    N_("fee min"),
    N_("fee max"),
    N_("fixed"),
    N_("valuation"),
    N_("quantity"),
    N_("field"),
    N_("document"),
    N_("text"),
    N_("number"),
    N_("date"),
    N_("license number"),
    N_("insurance expiry"),
)
