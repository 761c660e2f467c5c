"""Review types and statuses, in the words of the national collection."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from config.review_types import TYPE_RENAMES


class ReviewType(StrEnum):
    """The type of a review (S-CRT 'type of review')."""

    SAR_MANDATORY = "SAR_MANDATORY"
    SAR_DISCRETIONARY = "SAR_DISCRETIONARY"
    DHR = "DHR"
    DHR_CHILD = "DHR_CHILD"
    CSPR = "CSPR"
    RAPID = "RAPID"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        """The label users see."""
        return TYPE_LABELS[self]

    @property
    def short(self) -> str:
        """The abbreviation used in lists and emails."""
        return TYPE_SHORT[self]


TYPE_LABELS: dict[ReviewType, str] = {
    ReviewType.SAR_MANDATORY: "Safeguarding Adult Review (mandatory, s44(1)-(3))",
    ReviewType.SAR_DISCRETIONARY: "Safeguarding Adult Review (discretionary, s44(4))",
    ReviewType.DHR: "Domestic Homicide Review",
    ReviewType.DHR_CHILD: "Domestic Homicide Review (child, victim aged 16-17)",
    ReviewType.CSPR: "Child Safeguarding Practice Review",
    ReviewType.RAPID: "Rapid Review",
    ReviewType.OTHER: "Other",
}

TYPE_SHORT: dict[ReviewType, str] = {
    ReviewType.SAR_MANDATORY: "SAR",
    ReviewType.SAR_DISCRETIONARY: "SAR (discretionary)",
    ReviewType.DHR: "DHR",
    ReviewType.DHR_CHILD: "DHR (child)",
    ReviewType.CSPR: "CSPR",
    ReviewType.RAPID: "Rapid Review",
    ReviewType.OTHER: "Other",
}

TYPE_CHOICES = [(t.value, t.label) for t in ReviewType]
SAR_TYPES = frozenset({ReviewType.SAR_MANDATORY, ReviewType.SAR_DISCRETIONARY})
DHR_TYPES = frozenset({ReviewType.DHR, ReviewType.DHR_CHILD})


def _in_force() -> list[dict]:
    """The configured renamings that have a commencement date, earliest first."""
    return sorted((r for r in TYPE_RENAMES if r.get("takes_effect")), key=lambda r: r["takes_effect"])


def _renamed(review_type: str, on: date | None, part: str) -> str | None:
    """The configured new name of a type on a day, or None when no renaming applies yet."""
    found = None
    for rename in _in_force():
        if on is not None and on >= rename["takes_effect"] and review_type in rename[part]:
            found = rename[part][review_type]
    return found


def type_names(review_type: str) -> tuple[str, ...]:
    """Every name a type has had or will have (the import reads any of them)."""
    renamed = [names[review_type] for r in TYPE_RENAMES for names in (r["labels"], r["short"]) if review_type in names]
    code = ReviewType(review_type)
    return (code.value, TYPE_LABELS[code], TYPE_SHORT[code], *renamed)


def type_label(review_type: str, on: date | None) -> str:
    """The label of a type as it was called on a day (a review: its date added; a period: its end)."""
    return _renamed(review_type, on, "labels") or TYPE_LABELS[ReviewType(review_type)]


def type_short(review_type: str, on: date | None) -> str:
    """The abbreviation of a type as it was called on a day."""
    return _renamed(review_type, on, "short") or TYPE_SHORT[ReviewType(review_type)]


def type_choices(on: date) -> list[tuple[str, str]]:
    """The type drop-down's choices with the labels in force on a day."""
    return [(t.value, type_label(t.value, on)) for t in ReviewType]


# The kind of partnership that commissions each type (Care Act 2014 s44: the Safeguarding Adults Board; Children
# Act 2004 s16E and Working Together 2023: the local safeguarding children partnership, which also runs the rapid
# review; Domestic Violence, Crime and Victims Act 2004 s9: the Community Safety Partnership). Other: any kind.
COMMISSIONING_KIND: dict[ReviewType, str] = {
    ReviewType.SAR_MANDATORY: "SAB",
    ReviewType.SAR_DISCRETIONARY: "SAB",
    ReviewType.DHR: "CSP",
    ReviewType.DHR_CHILD: "CSP",
    ReviewType.CSPR: "LSCP",
    ReviewType.RAPID: "LSCP",
}


class ReviewStatus(StrEnum):
    """Where a review is in its life. Never typed freely: set by the lifecycle rules."""

    OPEN = "open"
    CLOSED = "closed"
    CONVERTED = "converted"

    @property
    def label(self) -> str:
        """The label users see."""
        return self.value.capitalize()


STATUS_CHOICES = [(s.value, s.label) for s in ReviewStatus]


class RapidOutcome(StrEnum):
    """What a rapid review decided: a full review of some type, or no further review."""

    CSPR = "CSPR"
    SAR = "SAR"
    DHR = "DHR"
    NO_FURTHER_REVIEW = "NFR"

    @property
    def label(self) -> str:
        """The label users see."""
        return RAPID_OUTCOME_LABELS[self]

    @property
    def becomes(self) -> ReviewType | None:
        """The default review type a conversion creates (the first of its family), or None for no further review."""
        family = self.family
        return family[0] if family else None

    @property
    def family(self) -> tuple[ReviewType, ...]:
        """The review types a conversion may become: a SAR mandatory or discretionary, a DHR adult or child."""
        return {
            RapidOutcome.CSPR: (ReviewType.CSPR,),
            RapidOutcome.SAR: (ReviewType.SAR_MANDATORY, ReviewType.SAR_DISCRETIONARY),
            RapidOutcome.DHR: (ReviewType.DHR, ReviewType.DHR_CHILD),
        }.get(self, ())


RAPID_OUTCOME_LABELS = {
    RapidOutcome.CSPR: "Child Safeguarding Practice Review",
    RapidOutcome.SAR: "Safeguarding Adult Review",
    RapidOutcome.DHR: "Domestic Homicide Review",
    RapidOutcome.NO_FURTHER_REVIEW: "No further review",
}


class PublicationStatus(StrEnum):
    """Whether a signed-off report is public or embargoed."""

    PUBLIC = "public"
    EMBARGOED = "embargoed"

    @property
    def label(self) -> str:
        """The label users see."""
        return self.value.capitalize()


PUBLICATION_CHOICES = [("", "Not yet published")] + [(p.value, p.label) for p in PublicationStatus]
