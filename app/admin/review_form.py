"""The review create/edit form: an allow-list of fields, drop-downs cut to the user's scope, and how it is laid out
(sections, the fields each type needs, required markers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.extensions import db
from app.orgs.models import Partnership, SubIcbLocation, Theme
from app.orgs.scope import Scope
from app.reviews.fields import label
from app.reviews.limits import TEXT_LIMITS, limit_hint
from app.reviews.rules import ReviewInput, Violation
from app.reviews.types import DHR_TYPES, PUBLICATION_CHOICES, TYPE_CHOICES, ReviewType, type_choices
from config.clocks import CLOCKS
from config.review_types import PARTNERSHIP_REQUIRED_FROM

THEME_FIELDS = ("theme_1", "theme_2", "theme_3")


def _choice(value) -> str:
    """Select values as text; a missing value (None) is the blank choice, not the string 'None'."""
    return "" if value is None else str(value)


def _date(name: str, description: str = "") -> DateField:
    return DateField(label(name), validators=[Optional()], format="%Y-%m-%d", description=description)


def _limited(name: str, description: str) -> tuple[str, dict]:
    """The field's description with its size limit (app/reviews/limits.py) and the matching maxlength."""
    hint = limit_hint(name)
    return " ".join(p for p in (description, hint) if p), ({"maxlength": TEXT_LIMITS[name]} if hint else {})


def _text(name: str, description: str = "") -> StringField:
    description, limit = _limited(name, description)
    return StringField(label(name), validators=[Optional()], description=description, render_kw=limit or None)


def _area(name: str, description: str = "") -> TextAreaField:
    description, limit = _limited(name, description)
    return TextAreaField(label(name), validators=[Optional()], description=description,
                         render_kw={"rows": 3, **limit})


NO_PII = "No patient identifiable data: no names, NHS numbers, dates of birth, addresses or contact details."


class ReviewForm(FlaskForm):
    """Every editable field of the record, in the words of the national collection."""

    review_type = SelectField(label("review_type"), choices=[("", "Choose a type"), *TYPE_CHOICES])
    type_other_description = _text("type_other_description", "Only when the type is Other.")
    organisation_code = SelectField(label("organisation_code"), choices=[], default="", coerce=_choice)
    date_added = _date("date_added", "Date of the decision to review / referral to the board.")
    incident_date = _date("incident_date")
    incident_learned_date = _date(
        "incident_learned_date",
        "Rapid reviews: the day the partnership learned of the serious incident, when later than the incident date "
        f"(the CSPR Panel is notified within {CLOCKS['panel_notification']['working_days']} working days of it).",
    )
    notification_date = _date(
        "notification_date",
        "Rapid reviews: the date the serious incident was notified (starts the "
        f"{CLOCKS['rapid_review_due']['working_days']}-working-day clock).",
    )
    dp_initials = _text("dp_initials", "2 to 4 letters: initials only, never a name.")
    partnership_id = SelectField(label("partnership_id"), choices=[], default="", coerce=_choice)
    steis_number = _text("steis_number", "Format YYYY/NNNNN, e.g. 2021/12345. At least one identifier is required.")
    lfpse_reference = _text("lfpse_reference")
    local_identifier = _text("local_identifier", NO_PII)
    overview = _area("overview", NO_PII)
    theme_1 = SelectField(label("theme_1"), choices=[], default="", coerce=_choice)
    theme_2 = SelectField(label("theme_2"), choices=[], default="", coerce=_choice)
    theme_3 = SelectField(label("theme_3"), choices=[], default="", coerce=_choice)
    media_interest = BooleanField(label("media_interest"))
    signed_off_date = _date("signed_off_date")
    qa_submitted_date = _date("qa_submitted_date", "DHRs: sent to the Home Office Quality Assurance Panel "
                                                   "(before publication).")
    qa_feedback_date = _date("qa_feedback_date", "DHRs: the panel's latest feedback letter.")
    qa_approved_date = _date("qa_approved_date", "DHRs: the panel approved the report for publication.")
    publication_status = SelectField(label("publication_status"), choices=PUBLICATION_CHOICES, default="",
                                     coerce=_choice)
    publication_date = _date("publication_date")
    embargo_review_date = _date("embargo_review_date", "Required when the report is embargoed.")
    report_url = _text("report_url", "An https:// address.")
    learning_1 = _area("learning_1", NO_PII)
    learning_2 = _area("learning_2")
    learning_3 = _area("learning_3")
    recommendations = _area("recommendations", NO_PII)
    version = HiddenField()


def set_choices(form: ReviewForm, scope: Scope, on: date | None = None) -> None:
    """Fill the drop-downs with what the user's scope allows (type names as they are on `on`: the review's date
    added, or today for a new review)."""
    if on is not None:
        form.review_type.choices = [("", "Choose a type"), *type_choices(on)]
    locations = db.session.scalars(
        select(SubIcbLocation).where(scope.location_clause(SubIcbLocation.code)).order_by(SubIcbLocation.name)
    )
    form.organisation_code.choices = [("", "Choose an organisation")] + [
        (loc.code, f"{loc.name} ({loc.code})") for loc in locations
    ]
    partnerships = db.session.scalars(
        select(Partnership).where(Partnership.active.is_(True), scope.icb_clause(Partnership.icb_code))
        .order_by(Partnership.name)
    )
    form.partnership_id.choices = [("", "Choose a partnership")] + [
        (str(p.id), f"{p.name} ({Partnership.KINDS.get(p.kind, p.kind)})") for p in partnerships]
    themes = [(t.code, t.label + f" ({t.applies_to})") for t in
              db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.code))]
    for field in form:
        if isinstance(field, SelectField) and field.data is None:
            field.data = ""  # a blank record value is the blank choice (WTForms skips coerce for None)
    form.theme_1.choices = [("", "Choose a theme"), *themes]
    form.theme_2.choices = [("", "None"), *themes]
    form.theme_3.choices = [("", "None"), *themes]


def prefill_themes(form: ReviewForm, theme_codes: list[str]) -> None:
    """Put a review's themes into the three theme drop-downs."""
    for name, code in zip(THEME_FIELDS, [*theme_codes, "", "", ""], strict=False):
        getattr(form, name).data = code


def to_input(form: ReviewForm) -> ReviewInput:
    """The form's data as a ReviewInput for the review service."""
    partnership = form.partnership_id.data
    return ReviewInput(
        review_type=form.review_type.data or None,
        type_other_description=form.type_other_description.data,
        date_added=form.date_added.data,
        incident_date=form.incident_date.data,
        incident_learned_date=form.incident_learned_date.data,
        notification_date=form.notification_date.data,
        organisation_code=form.organisation_code.data or None,
        dp_initials=form.dp_initials.data,
        partnership_id=int(partnership) if partnership and str(partnership).isdigit() else None,
        steis_number=form.steis_number.data,
        lfpse_reference=form.lfpse_reference.data,
        local_identifier=form.local_identifier.data,
        overview=form.overview.data,
        themes=[getattr(form, n).data for n in THEME_FIELDS if getattr(form, n).data],
        media_interest=bool(form.media_interest.data),
        signed_off_date=form.signed_off_date.data,
        qa_submitted_date=form.qa_submitted_date.data,
        qa_feedback_date=form.qa_feedback_date.data,
        qa_approved_date=form.qa_approved_date.data,
        publication_date=form.publication_date.data,
        publication_status=form.publication_status.data or None,
        embargo_review_date=form.embargo_review_date.data,
        report_url=form.report_url.data,
        learning_1=form.learning_1.data,
        learning_2=form.learning_2.data,
        learning_3=form.learning_3.data,
        recommendations=form.recommendations.data,
    )


def attach_violations(form: ReviewForm, violations: list[Violation]) -> list[str]:
    """Show each violation on its field; return the messages that have no field on the form."""
    unplaced = []
    for v in violations:
        name = "theme_1" if v.field == "themes" else v.field
        field = getattr(form, name, None)
        if field is None or name == "version":
            unplaced.append(v.message)
            continue
        field.errors = [*list(field.errors or []), v.message]
    return unplaced


# -- the form on screen: sections, the fields each review type needs, required markers (presentation only; the
#    rules that refuse a save are in app/reviews/rules.py and are the ones that count)
ALL_TYPES = tuple(t.value for t in ReviewType)
NOT_RAPID = tuple(t for t in ALL_TYPES if t != ReviewType.RAPID)
DHRS = tuple(t.value for t in ReviewType if t in DHR_TYPES)
# Fields shown only for some types (everything else is shown for every type); the rules in app/reviews/rules.py
# refuse these fields for the other types.
FIELD_TYPES: dict[str, tuple[str, ...]] = {
    "type_other_description": (ReviewType.OTHER.value,),
    "notification_date": (ReviewType.RAPID.value,),
    "incident_learned_date": (ReviewType.RAPID.value,),
    "qa_submitted_date": DHRS,
    "qa_feedback_date": DHRS,
    "qa_approved_date": DHRS,
}
# Input widths (NHS nhsuk-input--width-N) that say how long an answer is expected to be.
WIDTHS = {"dp_initials": 4, "steis_number": 10, "lfpse_reference": 20, "local_identifier": 20,
          "type_other_description": 30}
REQUIRED = frozenset({"review_type", "organisation_code", "date_added", "dp_initials", "theme_1"})
REQUIRED_FOR_TYPE = {"type_other_description": ReviewType.OTHER.value, "notification_date": ReviewType.RAPID.value}


@dataclass(frozen=True)
class FormSection:
    """A titled group of the review form; `types`: the review types it is for (None: every type); `later`: usually
    filled in after the review is opened (folded away when creating)."""

    title: str
    names: tuple[str, ...]
    hint: str = ""
    types: tuple[str, ...] | None = None
    later: bool = False


SECTIONS = (
    FormSection("The review", ("type_other_description", "organisation_code", "dp_initials", "partnership_id",
                               "media_interest")),
    FormSection("Identifiers", ("steis_number", "lfpse_reference", "local_identifier"),
                "Give at least one: a StEIS number, an LFPSE reference or a local identifier."),
    FormSection("What happened", ("date_added", "incident_date", "incident_learned_date", "notification_date",
                                  "overview", "theme_1", "theme_2", "theme_3")),
    FormSection("Sign-off and publication", ("signed_off_date", "qa_submitted_date", "qa_feedback_date",
                                             "qa_approved_date", "publication_status", "publication_date",
                                             "embargo_review_date", "report_url"),
                "Fill these in when the report is signed off. The review can then be closed.", NOT_RAPID, later=True),
    FormSection("Learning", ("learning_1", "learning_2", "learning_3", "recommendations"),
                "Usually recorded when the report is finished.", later=True),
)


@dataclass(frozen=True)
class FieldOnForm:
    """A field as the form shows it: required for the chosen type, the types it is for, hidden for this type."""

    field: Any
    required: bool
    types: tuple[str, ...] | None
    hidden: bool
    width: int | None = None


@dataclass(frozen=True)
class SectionOnForm:
    """A section as the form shows it."""

    title: str
    hint: str
    fields: list[FieldOnForm]
    types: tuple[str, ...] | None
    hidden: bool
    folded: bool = False


def _has_value(field) -> bool:
    return field.data not in (None, "", False) or bool(field.errors)


def _partnership_required(form: ReviewForm) -> bool:
    """The partnership is required for reviews added on or after the cut-over date (app/reviews/rules.py)."""
    added = form.date_added.data
    return added is None or added >= PARTNERSHIP_REQUIRED_FROM


def form_sections(form: ReviewForm, review_type: str | None, *, creating: bool = False) -> list[SectionOnForm]:
    """The sections and fields to show for a review type; a field that holds a value or an error is always shown
    (nothing is cleared by hiding it). Creating, the sections usually filled in later are folded (an NHS details
    element, open when it holds a value or an error)."""
    out = []
    for section in SECTIONS:
        fields = [getattr(form, n) for n in section.names if hasattr(form, n)]
        section_types = section.types
        filled = any(_has_value(f) for f in fields)
        if section_types and filled:
            section_types = None
        shown_fields = []
        for f in fields:
            types = FIELD_TYPES.get(f.name)
            if types and _has_value(f):
                types = None
            required = (f.name in REQUIRED or REQUIRED_FOR_TYPE.get(f.name) == review_type
                        or (f.name == "partnership_id" and _partnership_required(form)))
            shown_fields.append(FieldOnForm(f, required, types, bool(types and review_type not in types),
                                            WIDTHS.get(f.name)))
        out.append(SectionOnForm(section.title, section.hint, shown_fields, section_types,
                                 bool(section_types and review_type not in section_types),
                                 creating and section.later and not filled))
    return out
