"""Loads the shipped reference data (data/reference/) into the database. Running it twice changes nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.models import (
    CcgCrosswalk,
    HierarchyEntry,
    IntegratedCareBoard,
    LegacyCcgCode,
    Partnership,
    Region,
    SubIcbLocation,
    Theme,
)
from app.orgs.partnerships import folded_name

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


@dataclass(frozen=True)
class Vintage:
    """One published ONS lookup of the hierarchy and the date it took effect."""

    valid_from: date
    label: str
    filename: str
    columns: tuple[str, str, str, str, str, str, str, str, str]


VINTAGES = (
    Vintage(
        date(2021, 4, 1),
        "April 2021",
        "org_hierarchy_2021.csv",
        ("ccg_ods_code", "ccg_ons_code", "ccg_name", "ics_code", "ics_ons_code", "ics_name",
         "region_ods_code", "region_ons_code", "region_name"),
    ),
    Vintage(
        date(2022, 7, 1),
        "July 2022",
        "org_hierarchy_2022.csv",
        ("sub_icb_ods_code", "sub_icb_ons_code", "sub_icb_name", "icb_ods_code", "icb_ons_code", "icb_name",
         "region_ods_code", "region_ons_code", "region_name"),
    ),
    Vintage(
        date(2023, 4, 1),
        "April 2023",
        "org_hierarchy_2023.csv",
        ("sub_icb_ods_code", "sub_icb_ons_code", "sub_icb_name", "icb_ods_code", "icb_ons_code", "icb_name",
         "region_ods_code", "region_ons_code", "region_name"),
    ),
)


@dataclass
class TableCount:
    """What loading did to one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Rows the file holds."""
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """What `flask reference load` did, per table."""

    tables: dict[str, TableCount] = field(default_factory=dict)

    def count(self, table: str) -> TableCount:
        """The counter for a table, created on first use."""
        return self.tables.setdefault(table, TableCount())

    @property
    def changed(self) -> bool:
        """Whether anything was created or updated."""
        return any(c.created or c.updated for c in self.tables.values())


def _rows(directory: Path, filename: str) -> list[dict[str, str]]:
    with (directory / filename).open(newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _save(session: Session, counter: TableCount, row, new, values: dict) -> None:
    """Add `new` (a model instance) when there is no `row`, else set the values that differ; count which it was."""
    if row is None:
        session.add(new)
        counter.created += 1
    elif any(getattr(row, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
        counter.updated += 1
    else:
        counter.unchanged += 1


def _upsert(session: Session, report: LoadReport, table: str, model, key: dict, values: dict) -> None:
    row = session.get(model, tuple(key.values()) if len(key) > 1 else next(iter(key.values())))
    _save(session, report.count(table), row, model(**key, **values) if row is None else None, values)


def _load_vintages(session: Session, directory: Path, report: LoadReport) -> None:
    existing = {
        (e.valid_from, e.location_code): e for e in session.scalars(select(HierarchyEntry))
    }
    for vintage in VINTAGES:
        for row in _rows(directory, vintage.filename):
            loc, loc_ons, loc_name, icb, icb_ons, icb_name, reg, reg_ons, reg_name = (row[c] for c in vintage.columns)
            values = {
                "vintage_label": vintage.label, "location_ons_code": loc_ons, "location_name": loc_name,
                "icb_code": icb, "icb_ons_code": icb_ons, "icb_name": icb_name,
                "region_code": reg, "region_ons_code": reg_ons, "region_name": reg_name,
            }
            entry = existing.get((vintage.valid_from, loc))
            new = HierarchyEntry(valid_from=vintage.valid_from, location_code=loc, **values) if entry is None else None
            _save(session, report.count("hierarchy entries"), entry, new, values)


def _load_current_tree(session: Session, directory: Path, report: LoadReport) -> None:
    newest = VINTAGES[-1]
    regions: dict[str, dict] = {}
    icbs: dict[str, dict] = {}
    locations: dict[str, dict] = {}
    for row in _rows(directory, newest.filename):
        loc, loc_ons, loc_name, icb, icb_ons, icb_name, reg, reg_ons, reg_name = (row[c] for c in newest.columns)
        regions[reg] = {"name": reg_name, "ons_code": reg_ons}
        icbs[icb] = {"name": icb_name, "ons_code": icb_ons, "region_code": reg}
        locations[loc] = {"name": loc_name, "ons_code": loc_ons, "icb_code": icb}
    for code, values in regions.items():
        _upsert(session, report, "regions", Region, {"code": code}, values)
    session.flush()
    for code, values in icbs.items():
        _upsert(session, report, "ICBs", IntegratedCareBoard, {"code": code}, values)
    session.flush()
    for code, values in locations.items():
        _upsert(session, report, "sub-ICB locations", SubIcbLocation, {"code": code}, values)


def _load_crosswalk(session: Session, directory: Path, report: LoadReport) -> None:
    for row in _rows(directory, "ccg2021_to_sub_icb2022_crosswalk.csv"):
        _upsert(session, report, "CCG to sub-ICB crosswalk", CcgCrosswalk, {"ccg_code": row["ods_code"]}, {
            "ccg_ons_code": row["ccg21_ons_code"], "ccg_name": row["ccg21_name"],
            "location_code": row["ods_code"], "location_ons_code": row["sub_icb22_ons_code"],
            "location_name": row["sub_icb22_name"],
            "ons_code_changed": row["ons_code_changed"] == "Y", "parent_changed": row["parent_ods_changed"] == "Y",
        })
    for row in _rows(directory, "ccg_legacy_codes_to_ccg2021.csv"):
        _upsert(session, report, "legacy CCG codes", LegacyCcgCode, {"legacy_code": row["legacy_ccg_ods_code"]}, {
            "legacy_ons_code": row["legacy_ccg_ons_code"] or None,
            "legacy_name": row["legacy_ccg_name"] or None,
            "ccg_code": row["ccg21_ods_code"],
        })


def _load_themes(session: Session, directory: Path, report: LoadReport) -> None:
    for row in _rows(directory, "abuse_themes.csv"):
        _upsert(session, report, "themes", Theme, {"code": row["code"]},
                {"label": row["label"], "applies_to": row["applies_to"] or "all", "source": row["source"]})


def _icb_by_lad(session: Session, directory: Path) -> dict[str, dict[str, int]]:
    """LAD ONS code -> {ICB code: LSOAs of the LAD in that ICB} (April 2021 CCGs keep their ODS codes today)."""
    icb_of = dict(session.execute(select(SubIcbLocation.code, SubIcbLocation.icb_code)).all())
    out: dict[str, dict[str, int]] = {}
    for row in _rows(directory, "ccg2021_to_lad2021_lsoa_counts.csv"):
        icb = icb_of.get(row["ccg_ods_code"])
        if icb:
            counts = out.setdefault(row["lad_ons_code"], {})
            counts[icb] = counts.get(icb, 0) + int(row["lsoa11_count"])
    return out


def _load_partnerships(session: Session, directory: Path, report: LoadReport) -> None:
    """The partnerships named in public sources (partnerships.csv, see SOURCES.md), each in the ICB that holds
    most of its local authorities' area. A partnership a national admin retired stays retired."""
    if not (directory / "partnerships.csv").exists():
        return
    icbs = _icb_by_lad(session, directory)
    # matched as names are everywhere else (case, spacing and punctuation ignored), so an entry a national admin or
    # an import added before the shipped list had it is updated, not doubled
    existing = {folded_name(p.name): p for p in session.scalars(select(Partnership))}
    for row in _rows(directory, "partnerships.csv"):
        counts: dict[str, int] = {}
        for lad in filter(None, row["lad_codes"].split(";")):
            for icb, n in icbs.get(lad.strip(), {}).items():
                counts[icb] = counts.get(icb, 0) + n
        icb_code = max(counts, key=lambda code: counts[code]) if counts else None
        values = {"kind": row["kind"], "icb_code": icb_code, "local_authority": row["local_authority"] or None,
                  "source": row["source_url"][:300] or None}
        partnership = existing.get(folded_name(row["name"]))
        new = Partnership(name=row["name"], active=True, **values) if partnership is None else None
        _save(session, report.count("partnerships"), partnership, new, values)


def load_reference_data(session: Session, *, directory: Path = REFERENCE_DIR) -> LoadReport:
    """Create or update every reference table from the shipped files; the caller commits."""
    report = LoadReport()
    _load_current_tree(session, directory, report)
    session.flush()
    _load_vintages(session, directory, report)
    _load_crosswalk(session, directory, report)
    _load_themes(session, directory, report)
    _load_partnerships(session, directory, report)
    session.flush()
    return report
