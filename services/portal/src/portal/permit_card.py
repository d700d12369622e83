"""The permit card a contractor posts on the site once a permit is issued
(eTRAKIT's printable permit), as a PDF made here with fpdf2 — pure Python,
installed from the lock file — in the portal's own typeface (Source Sans Pro
from the vendored USWDS: accented Latin letters print; scripts it has no
glyphs for, such as Cyrillic, are left out with a warning in the log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "static" / "uswds" / "fonts" / "source-sans-pro"


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


def card_pdf(facts: CardFacts) -> bytes:
    pdf = FPDF(orientation="landscape", format="letter")
    pdf.set_title(f"Permit {facts.number}")
    pdf.set_author(facts.jurisdiction)
    pdf.add_font("Sans", "", str(FONTS / "sourcesanspro-regular-webfont.ttf"))
    pdf.add_font("Sans", "B", str(FONTS / "sourcesanspro-bold-webfont.ttf"))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    width = pdf.w - 2 * pdf.l_margin
    pdf.set_font("Sans", "B", 18)
    pdf.cell(width, 10, facts.jurisdiction, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sans", "B", 34)
    pdf.cell(width, 18, "BUILDING PERMIT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sans", "B", 28)
    pdf.cell(width, 14, facts.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        ("Type", facts.type_name),
        ("Site address", facts.address),
        ("Permit holder", facts.holder),
        ("Contractor", ", ".join(facts.contractors) or "—"),
        ("Issued", facts.issued),
        ("Expires", facts.expires),
        ("Work", facts.description or "—"),
    ]
    for label, value in rows:
        pdf.set_font("Sans", "B", 14)
        pdf.cell(55, 9, label)
        pdf.set_font("Sans", "", 14)
        pdf.multi_cell(width - 55, 9, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Sans", "", 11)
    pdf.multi_cell(
        width,
        6,
        "Post this card where it can be seen from the street until the final inspection. "
        f"Verify this permit: {facts.verify_url}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
