"""The national S-CRT extract: one row per review open at any time in the period, as at the report's as-at day.

Inclusion: every review within the report's area and the requester's scope (both read the report's geography
way) that the tracker held at the as-at day and that was open at any time in the period (open at its start,
opened or reopened in it). Each row is the review as held at the as-at day (app.reports.records), with its status,
decision, sign-off, publication, latest update and overdue clocks as at the report's "at end" day (the period's
last day, or the as-at day when that comes first). Labels and value codes come from config/scrt.py. Rows are read
in batches (flat memory); the files are written by app/reports/extract_files.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.orgs.models import IntegratedCareBoard, Partnership, Region, SubIcbLocation, Theme
from app.reports.overdue import overdue_clocks_in
from app.reports.queries import H, active_between, counted, names_on, status_at
from app.reports.records import facts_on, latest_updates, records_as_at
from app.reports.request import Geography, ReportRequest
from app.reviews.clocks import CLOCK_LABELS, review_clocks
from app.reviews.history import OPENED, REOPENED
from app.reviews.types import ReviewStatus, ReviewType, type_short

BATCH = 500
INCLUSION_RULE = ("Reviews open at any time during the period (open at its start, or opened or reopened during "
                  "it), within the scope and geography mode stated and the requester's own scope, as the tracker "
                  "held them at the as-at day.")
KNOWN_KEYS = frozenset({
    "record_id", "status", "date_added", "ccg_area", "ccg_code", "stp_area", "stp_code", "region_name", "region_code",
    "dp_initials", "partnership", "identifier", "review_type", "incident_date", "notification_date", "decision_date",
    "rapid_outcome", "became_record_id", "overview", "theme_1", "theme_2", "theme_3", "media_interest",
    "latest_update", "latest_update_date", "signed_off_date", "publication_date", "publication_status",
    "report_url", "learning_1", "learning_2", "learning_3", "recommendations", "overdue_clocks", "comments",
})


class ExtractConfigError(ValueError):
    """The S-CRT mapping in config/scrt.py names a column the extract cannot fill."""


def check_mapping(mapping: dict) -> list[str]:
    """The configured column keys, in order (ExtractConfigError for an unknown or repeated key)."""
    keys = [key for key, _ in mapping["columns"]]
    unknown = sorted(set(keys) - KNOWN_KEYS)
    if unknown or len(set(keys)) != len(keys):
        raise ExtractConfigError(f"SCRT_EXTRACT columns: unknown {unknown} or repeated keys in {keys}")
    return keys


def headers(mapping: dict) -> list[str]:
    """The extract's header row."""
    check_mapping(mapping)
    return [label for _, label in mapping["columns"]]


def _included(request: ReportRequest):
    """(review id, date added) of the reviews in the extract, in date-added order (one query)."""
    period = request.period
    touches = active_between(period.start, request.as_of)
    reopened = select(H.review_id).where(counted(request), H.change == REOPENED, touches)
    return (select(H.review_id, H.valid_from)
            .where(counted(request), H.change == OPENED, H.valid_from <= request.as_of,
                   or_(touches, H.review_id.in_(reopened)))
            .order_by(H.valid_from, H.review_id))


def count_rows(session: Session, request: ReportRequest) -> int:
    """How many reviews the extract holds (one query)."""
    return len(session.execute(_included(request)).all())


def theme_values(session: Session, mapping: dict) -> dict[str, str]:
    """{theme code: what the extract writes}: the code, or the label made unique (a label two themes share gets
    its group in brackets)."""
    themes = session.execute(select(Theme.code, Theme.label, Theme.applies_to)).all()
    if mapping.get("theme_value", "label") != "label":
        return {code: code for code, _, _ in themes}
    counts: dict[str, int] = {}
    for _, label, _ in themes:
        counts[label] = counts.get(label, 0) + 1
    groups = mapping.get("theme_groups", {})
    return {code: label if counts[label] == 1 else f"{label} ({groups.get(group, group)})"
            for code, label, group in themes}


class _Lookups:
    """Names, themes and partnerships an extract needs, read once (reference data, not reviews)."""

    def __init__(self, session: Session, request: ReportRequest, mapping: dict):
        self.themes = theme_values(session, mapping)
        self.partnerships = dict(session.execute(select(Partnership.id, Partnership.name)).all())
        self.current = {code: rest for code, *rest in session.execute(
            select(SubIcbLocation.code, SubIcbLocation.name, IntegratedCareBoard.code, IntegratedCareBoard.name,
                   Region.code, Region.name)
            .join(IntegratedCareBoard, IntegratedCareBoard.code == SubIcbLocation.icb_code)
            .join(Region, Region.code == IntegratedCareBoard.region_code))}
        self.session, self.day, self.names = session, request.period.end, {}

    def tree(self, request: ReportRequest, span: Any) -> tuple:
        """(location name, ICB name, ICB code, region name, region code) of a review, the report's way."""
        if request.geography == Geography.CURRENT:
            name, icb, icb_name, region, region_name = self.current.get(span.organisation_code, [None] * 5)
            return name, icb_name, icb, region_name, region
        return (self._name("location", span.organisation_code), self._name("icb", span.recorded_icb_code),
                span.recorded_icb_code, self._name("region", span.recorded_region_code), span.recorded_region_code)

    def _name(self, level: str, code: str) -> str:
        if (level, code) not in self.names:
            for found, name in names_on(self.session, level, [code], self.day).items():
                self.names[(level, found)] = name
            self.names.setdefault((level, code), code)
        return self.names[(level, code)]


def _comments(record: dict, mapping: dict) -> str | None:
    notes = []
    if comment := mapping.get("type_comments", {}).get(record.get("review_type")):
        notes.append(comment)
    if record.get("review_type") == ReviewType.OTHER.value and record.get("type_other_description"):
        notes.append(mapping.get("other_comment", "{description}").format(
            description=record["type_other_description"]))
    return mapping.get("comment_separator", "; ").join(notes) or None


def overdue_on(facts: Any, day: date, clocks: dict, mapping: dict) -> str | None:
    """The review's clocks overdue at the end of the day (the clock module's own functions over its facts then)."""
    overdue = [CLOCK_LABELS[c.kind] for c in overdue_clocks_in(review_clocks(facts, today=day, config=clocks))]
    return mapping.get("clock_separator", "; ").join(overdue) or None


def row_values(record: dict, span: Any, latest: tuple[date, str] | None, tree: tuple, lookups: _Lookups,
               mapping: dict, day: date, clocks: dict) -> dict[str, Any]:
    """One review's extract values by column key (plain values: dates stay dates)."""
    facts = facts_on(record, span, latest[0] if latest else None, day)
    org_name, icb_name, icb_code, region_name, region_code = tree
    rtype = span.review_type
    converted = span.status == ReviewStatus.CONVERTED
    themes = [*record.get("themes", []), None, None, None]
    separator = mapping.get("identifier_separator", " / ")
    identifiers = (record.get("steis_number"), record.get("lfpse_reference"), record.get("local_identifier"))
    return {
        "record_id": span.review_id, "status": mapping["status"].get(span.status, span.status),
        "date_added": record.get("date_added"), "ccg_area": org_name, "ccg_code": span.organisation_code,
        "stp_area": icb_name, "stp_code": icb_code, "region_name": region_name, "region_code": region_code,
        "dp_initials": record.get("dp_initials"), "partnership": lookups.partnerships.get(record.get("partnership_id")),
        "identifier": separator.join(v for v in identifiers if v),
        "review_type": mapping["converted_type"] if converted else mapping["review_type"].get(
            rtype, type_short(rtype, lookups.day)),
        "incident_date": record.get("incident_date"), "notification_date": facts.notification_date,
        "decision_date": facts.decision_date,
        "rapid_outcome": mapping["rapid_outcome"].get(facts.rapid_outcome) if facts.rapid_outcome else None,
        "became_record_id": span.converted_to_id if converted else None, "overview": record.get("overview"),
        "theme_1": lookups.themes.get(themes[0]), "theme_2": lookups.themes.get(themes[1]),
        "theme_3": lookups.themes.get(themes[2]),
        "media_interest": mapping["yes_no"][bool(record.get("media_interest"))],
        "latest_update": latest[1] if latest else None, "latest_update_date": latest[0] if latest else None,
        "signed_off_date": facts.signed_off_date, "publication_date": facts.publication_date,
        "publication_status": mapping["publication_status"].get(facts.publication_status)
        if facts.publication_status else None,
        "report_url": record.get("report_url"), "learning_1": record.get("learning_1"),
        "learning_2": record.get("learning_2"), "learning_3": record.get("learning_3"),
        "recommendations": record.get("recommendations"), "overdue_clocks": overdue_on(facts, day, clocks, mapping),
        "comments": _comments(record, mapping),
    }


def extract_rows(session: Session, request: ReportRequest, mapping: dict, *, clocks: dict) -> Iterator[list[Any]]:
    """The extract's rows in column order (plain values: dates stay dates), read BATCH reviews at a time; `clocks`
    is the clock configuration (config/clocks.py) the overdue clocks are worked out with."""
    keys = check_mapping(mapping)
    lookups = _Lookups(session, request, mapping)
    day = request.as_of
    ids = [rid for rid, _ in session.execute(_included(request))]
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        spans = {row.review_id: row for row in session.execute(  # plain rows: no ORM objects per review
            select(H.__table__).where(and_(counted(request), status_at(day)), H.review_id.in_(batch)))}
        entered = {rid: span.entered_on for rid, span in spans.items()}
        records = records_as_at(session, batch, as_at=request.as_at, entered=entered)
        latest = latest_updates(session, batch, on=day, as_at=request.as_at, entered=entered)
        for rid in batch:
            span = spans.get(rid)
            if span is None or rid not in records:
                continue
            values = row_values(records[rid], span, latest.get(rid), lookups.tree(request, span), lookups, mapping,
                                day, clocks)
            yield [values[key] for key in keys]
