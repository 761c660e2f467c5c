"""Review types and statuses, in the words of the national collection."""

from __future__ import annotations

from enum import StrEnum


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
        """The review type a conversion creates, or None for no further review."""
        return {
            RapidOutcome.CSPR: ReviewType.CSPR,
            RapidOutcome.SAR: ReviewType.SAR_MANDATORY,
            RapidOutcome.DHR: ReviewType.DHR,
        }.get(self)


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
