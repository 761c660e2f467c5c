"""Reference data models: the organisation tree (current and per vintage), crosswalks, partnerships, themes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

ENGLAND_CODE = "ENG"
ENGLAND_NAME = "England"


class Region(db.Model):
    """An NHS England region (ODS code such as Y56), as in the newest hierarchy vintage."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    ons_code: Mapped[str] = mapped_column(String(9))

    icbs: Mapped[list[IntegratedCareBoard]] = relationship(back_populates="region", order_by="IntegratedCareBoard.name")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class IntegratedCareBoard(db.Model):
    """An integrated care board (ICB; the STP/ICS before July 2022), as in the newest vintage."""

    __tablename__ = "icb"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    ons_code: Mapped[str] = mapped_column(String(9))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)

    region: Mapped[Region] = relationship(back_populates="icbs")
    locations: Mapped[list[SubIcbLocation]] = relationship(back_populates="icb", order_by="SubIcbLocation.name")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SubIcbLocation(db.Model):
    """A sub-ICB location (the CCG before July 2022; same ODS code), as in the newest vintage."""

    __tablename__ = "sub_icb_location"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    ons_code: Mapped[str] = mapped_column(String(9))
    icb_code: Mapped[str] = mapped_column(ForeignKey("icb.code"), index=True)

    icb: Mapped[IntegratedCareBoard] = relationship(back_populates="locations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class HierarchyEntry(db.Model):
    """One sub-ICB location (or CCG) with its parents, as published in one vintage of the ONS lookup."""

    __tablename__ = "hierarchy_entry"
    __table_args__ = (UniqueConstraint("valid_from", "location_code", name="uq_hierarchy_entry_vintage_location"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, index=True)
    vintage_label: Mapped[str] = mapped_column(String(20))
    location_code: Mapped[str] = mapped_column(String(5), index=True)
    location_ons_code: Mapped[str] = mapped_column(String(9))
    location_name: Mapped[str] = mapped_column(String(160))
    icb_code: Mapped[str] = mapped_column(String(5))
    icb_ons_code: Mapped[str] = mapped_column(String(9))
    icb_name: Mapped[str] = mapped_column(String(160))
    region_code: Mapped[str] = mapped_column(String(3))
    region_ons_code: Mapped[str] = mapped_column(String(9))
    region_name: Mapped[str] = mapped_column(String(120))


class CcgCrosswalk(db.Model):
    """April 2021 CCG to July 2022 sub-ICB location (same ODS code; ONS code or parent may change)."""

    __tablename__ = "ccg_crosswalk"

    ccg_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    ccg_ons_code: Mapped[str] = mapped_column(String(9))
    ccg_name: Mapped[str] = mapped_column(String(160))
    location_code: Mapped[str] = mapped_column(String(5))
    location_ons_code: Mapped[str] = mapped_column(String(9))
    location_name: Mapped[str] = mapped_column(String(160))
    ons_code_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_changed: Mapped[bool] = mapped_column(Boolean, default=False)


class LegacyCcgCode(db.Model):
    """A predecessor CCG code (before the April 2021 mergers) and the April 2021 CCG it became part of."""

    __tablename__ = "legacy_ccg_code"

    legacy_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    legacy_ons_code: Mapped[str | None] = mapped_column(String(9))
    legacy_name: Mapped[str | None] = mapped_column(String(160))
    ccg_code: Mapped[str] = mapped_column(String(5))


class Partnership(db.Model):
    """A safeguarding partnership, board or community safety partnership (a managed list)."""

    __tablename__ = "partnership"

    KINDS = {
        "SAB": "Safeguarding Adults Board",
        "LSCP": "Local Safeguarding Children Partnership",
        "CSP": "Community Safety Partnership",
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(4))
    # The ICB whose area the partnership covers; empty means it is offered to everyone.
    icb_code: Mapped[str | None] = mapped_column(ForeignKey("icb.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The local authority (or authorities, "; "-separated) whose area it covers, as ONS names them.
    local_authority: Mapped[str | None] = mapped_column(String(200))
    # Where the name was found (the shipped reference list: data/reference/partnerships.csv), or how it was added.
    source: Mapped[str | None] = mapped_column(String(300))

    icb: Mapped[IntegratedCareBoard | None] = relationship()

    def __str__(self) -> str:
        return self.name


class Theme(db.Model):
    """An abuse / vulnerability theme from the managed theme list."""

    __tablename__ = "theme"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    applies_to: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(600))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.label
