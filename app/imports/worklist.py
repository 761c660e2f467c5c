"""The "to complete" worklist: imported reviews that still lack a required field, cut to the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orgs.scope import Scope
from app.reviews.access import in_scope
from app.reviews.models import Review
from app.reviews.planning import missing_labels
from app.reviews.types import TYPE_SHORT, ReviewType

PAGE_SIZE = 50


@dataclass(frozen=True)
class WorklistItem:
    """One review to complete, as the worklist shows it (labels, never codes)."""

    id: int
    identifier: str
    organisation: str
    type_label: str
    date_added: date
    missing: tuple[str, ...]


def worklist(session: Session, scope: Scope, *, page: int = 0) -> tuple[list[WorklistItem], int]:
    """A page of the reviews to complete within a scope (oldest first) and how many there are."""
    where = (Review.to_complete.is_not(None), in_scope(scope))
    total = session.scalar(select(func.count(Review.id)).where(*where)) or 0
    reviews = session.scalars(select(Review).where(*where).order_by(Review.date_added, Review.id)
                              .offset(max(page, 0) * PAGE_SIZE).limit(PAGE_SIZE))
    return [WorklistItem(r.id, r.identifier, r.recorded_organisation_name,
                         TYPE_SHORT.get(ReviewType(r.review_type), r.review_type), r.date_added, missing_labels(r))
            for r in reviews], total
