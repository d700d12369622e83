"""Printed papers as PDFs: the permit card a contractor posts on the site once
a permit is issued (eTRAKIT's printable permit) and a payment's receipt, made
here with fpdf2 — pure Python, installed from the lock file — in the portal's
own typeface (Source Sans Pro from the vendored USWDS), falling back to
DejaVu Sans (vendored from the npm registry too) for the letters Source Sans
lacks: Cyrillic, Greek and more print. Scripts neither has, such as Chinese,
are left out with a warning in the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

from portal.i18n import _, translate

STATIC = Path(__file__).parent / "static"
FONTS = STATIC / "uswds" / "fonts" / "source-sans-pro"
FALLBACK = STATIC / "dejavu" / "ttf"


@dataclass(frozen=True)
class CardFacts:
    """What the card says, already in words (dates local to the jurisdiction)."""

    jurisdiction: str
    number: str
    type_name: str
    address: str
    issued: str
    expires: str
    holder: str
    contractors: list[str] = field(default_factory=list)
    description: str = ""
    verify_url: str = ""


@dataclass(frozen=True)
class ReceiptFacts:
    jurisdiction: str
    number: str
    received: str
    method: str
    reference: str
    payer: str
    lines: list[tuple[str, str, str]]  # permit, fee, amount
    totals: list[tuple[str, str]]  # label, amount


def _paper(title: str, author: str, orientation: str = "portrait") -> FPDF:
    pdf = FPDF(orientation=orientation, format="letter")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.add_font("Sans", "", str(FONTS / "sourcesanspro-regular-webfont.ttf"))
    pdf.add_font("Sans", "B", str(FONTS / "sourcesanspro-bold-webfont.ttf"))
    pdf.add_font("Fallback", "", str(FALLBACK / "DejaVuSans.ttf"))
    pdf.add_font("Fallback", "B", str(FALLBACK / "DejaVuSans-Bold.ttf"))
    pdf.set_fallback_fonts(["Fallback"])
    pdf.add_page()
    return pdf


def _facts(pdf: FPDF, rows: list[tuple[str, str]], size: int, label_width: float) -> None:
    width = pdf.w - 2 * pdf.l_margin
    for label, value in rows:
        pdf.set_font("Sans", "B", size)
        pdf.cell(label_width, size * 0.65, label)
        pdf.set_font("Sans", "", size)
        pdf.multi_cell(width - label_width, size * 0.65, value, new_x="LMARGIN", new_y="NEXT")


def receipt_pdf(facts: ReceiptFacts) -> bytes:
    pdf = _paper(_("Receipt {receipt}").format(receipt=facts.number), facts.jurisdiction)
    width = pdf.w - 2 * pdf.l_margin
    pdf.set_font("Sans", "B", 16)
    pdf.cell(width, 9, facts.jurisdiction, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sans", "B", 22)
    pdf.cell(
        width,
        12,
        _("Receipt {receipt}").format(receipt=facts.number),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    rows = [
        (_("Received"), facts.received),
        (_("Paid by"), facts.payer),
        (_("Payment method"), facts.method),
        (_("Transaction reference"), facts.reference or "—"),
    ]
    _facts(pdf, rows, 12, 50)
    pdf.ln(4)
    with pdf.table(col_widths=(30, 50, 20), text_align=("LEFT", "LEFT", "RIGHT")) as table:
        header = table.row()
        for title in (_("Permit"), _("Fee"), _("Amount")):
            header.cell(title)
        for permit, fee, amount in facts.lines:
            row = table.row()
            for value in (permit, fee, amount):
                row.cell(value)
    pdf.ln(3)
    for label, amount in facts.totals:
        pdf.set_font("Sans", "B", 12)
        pdf.cell(width - 40, 7, translate(label), align="R")
        pdf.set_font("Sans", "", 12)
        pdf.cell(40, 7, amount, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def card_pdf(facts: CardFacts) -> bytes:
    pdf = _paper(_("Permit {number}").format(number=facts.number), facts.jurisdiction, "landscape")
    width = pdf.w - 2 * pdf.l_margin
    pdf.set_font("Sans", "B", 18)
    pdf.cell(width, 10, facts.jurisdiction, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sans", "B", 34)
    pdf.cell(width, 18, _("BUILDING PERMIT"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sans", "B", 28)
    pdf.cell(width, 14, facts.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        (_("Type"), facts.type_name),
        (_("Site address"), facts.address),
        (_("Permit holder"), facts.holder),
        (_("Contractor"), ", ".join(facts.contractors) or "—"),
        (_("Issued"), facts.issued),
        (_("Expires"), facts.expires),
        (_("Work"), facts.description or "—"),
    ]
    _facts(pdf, rows, 14, 55)
    pdf.ln(6)
    pdf.set_font("Sans", "", 11)
    pdf.multi_cell(
        width,
        6,
        _(
            "Post this card where it can be seen from the street until the final inspection. "
            "Verify this permit: {url}"
        ).format(url=facts.verify_url),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
