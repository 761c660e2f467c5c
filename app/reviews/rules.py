"""Field rules of the review record: dates, identifiers, initials, themes, publication. Pure, no database.

Every path that writes a review (admin form, import, command line) builds a ReviewInput and calls
validate(); the service adds the checks that need reference data (scope, partnership, theme list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from urllib.parse import urlparse

from app.privacy.lexicon import fold, lexicon
from app.reviews.calendar import working_days
from app.reviews.clocks import panel_notification_due
from app.reviews.fields import label
from app.reviews.types import COMMISSIONING_KIND, DHR_TYPES, PublicationStatus, ReviewType
from config.clocks import CLOCKS
from config.review_types import PARTNERSHIP_REQUIRED_FROM

STEIS_PATTERN = re.compile(r"^(?P<year>\d{4})/(?P<serial>\d{5})$")
LFPSE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\-_.]{2,39}$")
LOCAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /\-_.()]{0,59}$")
INITIALS_PATTERN = re.compile(r"^[A-Z]{2,4}$")
FIRST_STEIS_YEAR = 2000


@dataclass
class ReviewInput:
    """The editable fields of a review, as typed Python values (blank text is None)."""

    review_type: str | None = None
    type_other_description: str | None = None
    date_added: date | None = None
    incident_date: date | None = None
    incident_learned_date: date | None = None
    notification_date: date | None = None
    organisation_code: str | None = None
    dp_initials: str | None = None
    partnership_id: int | None = None
    steis_number: str | None = None
    lfpse_reference: str | None = None
    local_identifier: str | None = None
    overview: str | None = None
    themes: list[str] = field(default_factory=list)
    media_interest: bool = False
    signed_off_date: date | None = None
    qa_submitted_date: date | None = None
    qa_feedback_date: date | None = None
    qa_approved_date: date | None = None
    publication_date: date | None = None
    publication_status: str | None = None
    embargo_review_date: date | None = None
    report_url: str | None = None
    learning_1: str | None = None
    learning_2: str | None = None
    learning_3: str | None = None
    recommendations: str | None = None

    def normalised(self) -> ReviewInput:
        """A copy with text trimmed, blanks as None, initials and codes upper-cased."""
        values = {}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, str):
                value = value.strip() or None
            values[name] = value
        for name in ("dp_initials", "organisation_code"):
            if values[name]:
                values[name] = values[name].upper()
        values["themes"] = [t.strip() for t in (self.themes or []) if t and t.strip()]
        return ReviewInput(**values)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of the editable fields."""
        return _field_names(cls)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class Violation:
    """A broken rule, on the field that caused it; the message names the field and the rule."""

    field: str
    message: str


def _date_rules(data: ReviewInput, today: date) -> list[Violation]:
    out: list[Violation] = []
    for name in DATE_FIELDS:
        value = getattr(data, name)
        if value is not None and value > today:
            out.append(Violation(name, f"{label(name)} cannot be in the future."))
    order = [("incident_date", "date_added"), ("date_added", "signed_off_date"),
             ("signed_off_date", "publication_date"), ("incident_date", "notification_date"),
             ("incident_date", "incident_learned_date"), ("incident_learned_date", "notification_date")]
    for earlier, later in order:
        a, b = getattr(data, earlier), getattr(data, later)
        if a is not None and b is not None and a > b:
            out.append(Violation(later, f"{label(later)} cannot be before the {label(earlier).lower()}."))
    embargo, signed = data.embargo_review_date, data.signed_off_date
    if embargo is not None and signed is not None and embargo < signed:
        out.append(Violation("embargo_review_date",
                             "Embargo review date cannot be before the date the report was signed off."))
    return out


DATE_FIELDS = ("date_added", "incident_date", "incident_learned_date", "notification_date", "signed_off_date",
               "qa_submitted_date", "qa_feedback_date", "qa_approved_date", "publication_date")
QA_FIELDS = ("qa_submitted_date", "qa_feedback_date", "qa_approved_date")


def _qa_rules(data: ReviewInput) -> list[Violation]:
    """The Home Office Quality Assurance Panel stage: DHRs only, after sign-off, in order."""
    given = [name for name in QA_FIELDS if getattr(data, name)]
    if not given:
        return []
    if data.review_type not in DHR_TYPES:
        return [Violation(name, f"{label(name)} is only recorded for a Domestic Homicide Review (the Home Office "
                                "Quality Assurance Panel stage).") for name in given]
    out: list[Violation] = []
    if not data.signed_off_date:
        out.append(Violation("signed_off_date", "Date report signed off is required before the report goes to the "
                                                "Home Office Quality Assurance Panel."))
    if not data.qa_submitted_date:
        out += [Violation(name, f"{label(name)} needs the date the report was submitted to the panel.")
                for name in given]
    order = [("signed_off_date", "qa_submitted_date"), ("qa_submitted_date", "qa_feedback_date"),
             ("qa_submitted_date", "qa_approved_date"), ("qa_feedback_date", "qa_approved_date")]
    for earlier, later in order:
        a, b = getattr(data, earlier), getattr(data, later)
        if a is not None and b is not None and a > b:
            out.append(Violation(later, f"{label(later)} cannot be before the {label(earlier).lower()}."))
    return out


def _identifier_rules(data: ReviewInput, today: date) -> list[Violation]:
    out: list[Violation] = []
    if not (data.steis_number or data.lfpse_reference or data.local_identifier):
        out.append(Violation("local_identifier",
                             "Give at least one identifier: a StEIS number, an LFPSE reference or a local identifier."))
    if data.steis_number:
        match = STEIS_PATTERN.match(data.steis_number)
        if not match:
            out.append(Violation("steis_number",
                                 "StEIS number must be a year, a slash and five digits, for example 2021/12345."))
        elif not FIRST_STEIS_YEAR <= int(match["year"]) <= today.year:
            out.append(Violation("steis_number",
                                 f"StEIS number must start with a year from {FIRST_STEIS_YEAR} to {today.year}."))
    if data.lfpse_reference and not LFPSE_PATTERN.match(data.lfpse_reference):
        out.append(Violation("lfpse_reference",
                             "LFPSE reference must be 3 to 40 letters, digits, slashes, dashes, dots or underscores."))
    if data.local_identifier and not LOCAL_ID_PATTERN.match(data.local_identifier):
        out.append(Violation("local_identifier", "Local identifier must be up to 60 letters, digits, spaces, "
                                                 "slashes, dashes, dots or brackets."))
    return out


def _type_rules(data: ReviewInput, clocks: dict) -> list[Violation]:
    out: list[Violation] = []
    if not data.review_type:
        return [Violation("review_type", "Type of review is required.")]
    if data.review_type not in ReviewType.__members__.values():
        return [Violation("review_type", "Type of review is not one of the listed types.")]
    if data.review_type == ReviewType.OTHER and not data.type_other_description:
        out.append(Violation("type_other_description", "Describe the review when the type of review is Other."))
    if data.review_type != ReviewType.OTHER and data.type_other_description:
        out.append(Violation("type_other_description", "Other review type (description) is only for type Other."))
    if data.review_type == ReviewType.RAPID:
        if not data.notification_date:
            days = clocks["rapid_review_due"]["working_days"]
            out.append(Violation("notification_date", "Notification date is required for a rapid review "
                                                      f"(it starts the {days}-working-day clock)."))
        for name in ("signed_off_date", "publication_date", "publication_status", "embargo_review_date"):
            if getattr(data, name):
                out.append(Violation(name, f"{label(name)} does not apply to a rapid review: "
                                           "record its decision instead."))
    else:
        for name in ("notification_date", "incident_learned_date"):
            if getattr(data, name):
                out.append(Violation(name, f"{label(name)} is only recorded for rapid reviews."))
    return out


def _publication_rules(data: ReviewInput) -> list[Violation]:
    out: list[Violation] = []
    status = data.publication_status
    if status and status not in PublicationStatus.__members__.values():
        return [Violation("publication_status", "Public / embargoed must be public or embargoed.")]
    if (status or data.publication_date) and not data.signed_off_date:
        out.append(Violation("signed_off_date",
                             "Date report signed off is required before a report is published or embargoed."))
    if status == PublicationStatus.PUBLIC and not data.publication_date:
        out.append(Violation("publication_date", "Publication date is required when the report is public."))
    if data.publication_date and not status:
        out.append(Violation("publication_status", "Say whether the report is public or embargoed."))
    if status == PublicationStatus.EMBARGOED and not data.embargo_review_date:
        out.append(Violation("embargo_review_date", "Embargo review date is required when the report is embargoed."))
    if status != PublicationStatus.EMBARGOED and data.embargo_review_date:
        out.append(Violation("embargo_review_date", "Embargo review date is only for an embargoed report."))
    if data.report_url:
        parsed = urlparse(data.report_url)
        if parsed.scheme != "https" or not parsed.netloc or " " in data.report_url:
            out.append(Violation("report_url", "Web link to report must be a full https:// address."))
    return out


def _other_rules(data: ReviewInput) -> list[Violation]:
    out: list[Violation] = []
    for name in ("date_added", "organisation_code", "dp_initials"):
        if not getattr(data, name):
            out.append(Violation(name, f"{label(name)} is required."))
    if data.partnership_id is None and data.date_added and data.date_added >= PARTNERSHIP_REQUIRED_FROM:
        out.append(Violation("partnership_id", f"{label('partnership_id')} is required."))
    out += initials_violations(data.dp_initials)
    if not data.themes:
        out.append(Violation("themes", "Choose at least one abuse / vulnerability theme (theme 1)."))
    if len(data.themes) > 3:
        out.append(Violation("themes", "Choose at most three abuse / vulnerability themes."))
    if len(set(data.themes)) != len(data.themes):
        out.append(Violation("themes", "Each abuse / vulnerability theme can be chosen only once."))
    return out


def initials_violations(initials: str | None) -> list[Violation]:
    """Initials are 2 to 4 letters (upper-cased before this check) and not a forename on the privacy guard's list."""
    if not initials:
        return []
    if not INITIALS_PATTERN.match(initials):
        return [Violation("dp_initials", "Designated professional's initials must be 2 to 4 letters "
                                         "(initials only, never a name).")]
    if fold(initials) in lexicon().forenames:
        return [Violation("dp_initials", "Designated professional's initials read as a forename: give initials "
                                         "only (for example the first letters of the first name and surname).")]
    return []


def commissioning_body_violations(review_type: str | None, partnership_kind: str | None) -> list[Violation]:
    """A SAR is commissioned by a Safeguarding Adults Board, a CSPR or rapid review by the children's safeguarding
    partnership, a DHR by a Community Safety Partnership (type Other: any kind)."""
    try:
        wanted = COMMISSIONING_KIND.get(ReviewType(review_type)) if review_type else None
    except ValueError:
        return []
    if wanted is None or partnership_kind is None or partnership_kind == wanted:
        return []
    found = KIND_NAMES.get(partnership_kind, partnership_kind)
    return [Violation("partnership_id", f"A {ReviewType(review_type).short} is commissioned by a "
                                        f"{KIND_NAMES[wanted]}: choose one (this is a {found}).")]


KIND_NAMES = {"SAB": "Safeguarding Adults Board", "LSCP": "local safeguarding children partnership",
              "CSP": "Community Safety Partnership"}


def validate(data: ReviewInput, *, today: date, clocks: dict = CLOCKS) -> list[Violation]:
    """Every field rule broken by a review's data, on the field that caused it (empty when valid)."""
    data = data.normalised()
    return (_other_rules(data) + _type_rules(data, clocks) + _date_rules(data, today) + _qa_rules(data)
            + _identifier_rules(data, today) + _publication_rules(data))


@dataclass(frozen=True)
class SaveWarning:
    """Something accepted but flagged to the user on save (the review shows it too)."""

    field: str
    message: str


def save_warnings(data: ReviewInput, *, clocks: dict = CLOCKS) -> list[SaveWarning]:
    """What a valid save is warned about: a CSPR Panel notification later than its working-day limit; no partnership
    on a review added before the partnership was required."""
    data = data.normalised()
    out: list[SaveWarning] = []
    if data.partnership_id is None:
        out.append(SaveWarning("partnership_id", "Saved without a safeguarding partnership / board / CSP: it was not "
                                                 "required for reviews added before "
                                                 f"{PARTNERSHIP_REQUIRED_FROM.day} {PARTNERSHIP_REQUIRED_FROM:%B %Y}, "
                                                 "but the national collection records it. Choose one when "
                                                 "you know it."))
    started = data.incident_learned_date or data.incident_date
    rule = clocks.get("panel_notification")
    if rule and data.review_type in rule["applies_to"] and started and data.notification_date:
        due = panel_notification_due(started, clocks, working_days())
        if data.notification_date > due:
            late = working_days().working_days_between(due, data.notification_date)
            limit = rule["working_days"]
            out.append(SaveWarning("notification_date", f"Saved, but the Child Safeguarding Practice Review Panel was "
                                f"notified {late} working day{'s' if late != 1 else ''} late: notification is due "
                                f"within {limit} working days of the partnership learning of the incident "
                                f"(by {due.day} {due:%B %Y}). The review shows the late notification in red."))
    return out
