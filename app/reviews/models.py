"""The review record (one row per review), its themes, update timeline and recommendation actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import Partnership, SubIcbLocation, Theme
from app.types import UTCDateTime, utcnow

SPARSE_INDEXED = ("notification_date", "decision_date", "steis_number", "lfpse_reference", "signed_off_date",
                  "embargo_review_date", "closed_on", "converted_to_id", "latest_update_on", "partnership_id",
                  "to_complete")


FIGURE_COLUMNS = ("status", "review_type", "date_added", "closed_on", "media_interest", "organisation_code",
                  "recorded_region_code", "recorded_icb_code", "decision_date", "notification_date", "latest_update_on",
                  "signed_off_date", "publication_status", "embargo_review_date", "rapid_outcome")


class Review(db.Model):
    """A safeguarding case review the NHS takes part in (the S-CRT fields plus what a tracker needs)."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    review_type: Mapped[str] = mapped_column(String(20), index=True)
    type_other_description: Mapped[str | None] = mapped_column(String(200))

    date_added: Mapped[date] = mapped_column(Date, index=True)
    incident_date: Mapped[date | None] = mapped_column(Date)
    # The day the partnership learned of the serious incident: the CSPR Panel notification clock counts from it
    # (it can be well after the incident date; blank means the incident date).
    incident_learned_date: Mapped[date | None] = mapped_column(Date)
    notification_date: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    rapid_outcome: Mapped[str | None] = mapped_column(String(4))

    # The organisation, and the ICB/region it belonged to on the date added, as recorded.
    organisation_code: Mapped[str] = mapped_column(ForeignKey("sub_icb_location.code"), index=True)
    recorded_organisation_name: Mapped[str] = mapped_column(String(160))
    recorded_icb_code: Mapped[str] = mapped_column(String(5), index=True)
    recorded_icb_name: Mapped[str] = mapped_column(String(160))
    recorded_region_code: Mapped[str] = mapped_column(String(3), index=True)
    recorded_region_name: Mapped[str] = mapped_column(String(120))
    recorded_vintage: Mapped[date] = mapped_column(Date)

    dp_initials: Mapped[str | None] = mapped_column(String(4))  # blank only on an imported review to complete
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))

    steis_number: Mapped[str | None] = mapped_column(String(10))
    lfpse_reference: Mapped[str | None] = mapped_column(String(40))
    local_identifier: Mapped[str | None] = mapped_column(String(60), index=True)

    overview: Mapped[str | None] = mapped_column(Text)
    media_interest: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    signed_off_date: Mapped[date | None] = mapped_column(Date)
    # DHRs only: the Home Office Quality Assurance Panel stage between sign-off and publication.
    qa_submitted_date: Mapped[date | None] = mapped_column(Date)
    qa_feedback_date: Mapped[date | None] = mapped_column(Date)
    qa_approved_date: Mapped[date | None] = mapped_column(Date)
    publication_date: Mapped[date | None] = mapped_column(Date)
    publication_status: Mapped[str | None] = mapped_column(String(10))
    embargo_review_date: Mapped[date | None] = mapped_column(Date)
    report_url: Mapped[str | None] = mapped_column(String(500))

    learning_1: Mapped[str | None] = mapped_column(Text)
    learning_2: Mapped[str | None] = mapped_column(Text)
    learning_3: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)

    # Set by the lifecycle only: the date the review closed or converted, for period reports.
    closed_on: Mapped[date | None] = mapped_column(Date)
    converted_to_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))

    # Maintained by the timeline service only: the newest update, for the list and the stale clock.
    latest_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_update.id", use_alter=True, name="fk_review_latest_update_id_review_update")
    )
    latest_update_on: Mapped[date | None] = mapped_column(Date)

    # Set by app.reviews.planning only: the required fields an imported review still lacks (comma-separated field
    # names; the "to complete" worklist). Any save from the form completes them.
    to_complete: Mapped[str | None] = mapped_column(String(300))

    snoozed_until: Mapped[date | None] = mapped_column(Date)
    snooze_reason: Mapped[str | None] = mapped_column(String(300))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Stamped by every save with the service's `now` (app.reviews.planning.mark_saved), never by the wall clock.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    organisation: Mapped[SubIcbLocation] = relationship(lazy="selectin")
    partnership: Mapped[Partnership | None] = relationship(lazy="selectin")
    themes: Mapped[list[ReviewTheme]] = relationship(
        back_populates="review", order_by="ReviewTheme.position", cascade="all, delete-orphan", lazy="selectin"
    )
    converted_to: Mapped[Review | None] = relationship(
        remote_side=[id], foreign_keys=[converted_to_id], back_populates="converted_from"
    )
    converted_from: Mapped[list[Review]] = relationship(
        foreign_keys=[converted_to_id], back_populates="converted_to"
    )
    latest_update: Mapped[ReviewUpdate | None] = relationship(foreign_keys=[latest_update_id], post_update=True)
    updates: Mapped[list[ReviewUpdate]] = relationship(
        back_populates="review",
        foreign_keys="ReviewUpdate.review_id",
        order_by="(ReviewUpdate.entry_date.desc(), ReviewUpdate.id.desc())",
        cascade="all, delete-orphan",
        lazy="select",
    )
    actions: Mapped[list[RecommendationAction]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="RecommendationAction.id"
    )

    # Optimistic locking: every UPDATE is guarded by the version read, but the version is counted explicitly, once per
    # save (app.reviews.planning.mark_saved), never per flush.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_review_org_date_added", "organisation_code", "date_added"),
        Index("ix_review_status_date_added", "status", "date_added"),
        # Reports (app/reports): "open at some time in the period" is (closed_on IS NULL OR closed_on >= start OR
        # date_added in the period) within an area; these pairs let each branch be an index range scan.
        Index("ix_review_org_closed_on", "organisation_code", "closed_on"),
        Index("ix_review_region_date_added", "recorded_region_code", "date_added"),
        Index("ix_review_region_closed_on", "recorded_region_code", "closed_on"),
        Index("ix_review_icb_date_added", "recorded_icb_code", "date_added"),
        Index("ix_review_icb_closed_on", "recorded_icb_code", "closed_on"),
        Index("ix_review_type_decision_date", "review_type", "decision_date"),
        # Dashboard and report aggregates read only these columns: a covering index lets them scan ~100 bytes per
        # review instead of the whole row with its free text (bench: national open counts at 1M, 6.9 s -> 0.2 s).
        Index("ix_review_figures", *FIGURE_COLUMNS),
        # The reviews list's "Latest update" and "Organisation" sorts (id breaks ties, so paging is stable).
        Index("ix_review_latest_update_sort", "latest_update_on", "id"),
        Index("ix_review_org_sort", "organisation_code", "id"),
        # Identifiers are unique within an organisation (StEIS and LFPSE per review type: a rapid review and the
        # review it became may share the serious incident's number). NULLs never clash.
        # Mostly-empty columns get partial indexes (rows where the value is set): the planner's row estimates
        # then reflect the values that exist, not the NULLs (SQLite's ANALYZE averages over NULLs too).
        *(
            Index(f"ix_review_{column}", column, sqlite_where=text(f"{column} IS NOT NULL"),
                  postgresql_where=text(f"{column} IS NOT NULL"))
            for column in SPARSE_INDEXED
        ),
        UniqueConstraint("organisation_code", "local_identifier", name="uq_review_org_local_identifier"),
        UniqueConstraint("organisation_code", "review_type", "steis_number", name="uq_review_org_type_steis"),
        UniqueConstraint("organisation_code", "review_type", "lfpse_reference", name="uq_review_org_type_lfpse"),
        # A review's id is never given to another review, even after it is deleted: the audit trail and the status
        # history (app/reviews/history.py) outlive it under its id. SQLite reuses the highest id unless told.
        {"sqlite_autoincrement": True},
    )

    @property
    def theme_codes(self) -> list[str]:
        """Theme codes in order (1 to 3)."""
        return [t.theme_code for t in self.themes]

    @property
    def identifier(self) -> str:
        """The identifier people use for the review: StEIS number, else LFPSE reference, else local id."""
        return self.steis_number or self.lfpse_reference or self.local_identifier or f"#{self.id}"

    def __str__(self) -> str:
        return f"{self.identifier} ({self.recorded_organisation_name})"


class ReviewLink(db.Model):
    """Two reviews of one incident (a joint SAR and DHR, a cross-border review); stored once, lower id first."""

    __tablename__ = "review_link"
    __table_args__ = (UniqueConstraint("review_id", "linked_review_id", name="uq_review_link_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    linked_review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ReviewTheme(db.Model):
    """One of a review's 1-3 abuse / vulnerability themes."""

    __tablename__ = "review_theme"
    __table_args__ = (UniqueConstraint("review_id", "theme_code", name="uq_review_theme_review_theme"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_code: Mapped[str] = mapped_column(ForeignKey("theme.code"), index=True)

    review: Mapped[Review] = relationship(back_populates="themes")
    theme: Mapped[Theme] = relationship(lazy="joined")


class ReviewUpdate(db.Model):
    """An entry of a review's update timeline. Never edited: a correction is a new entry."""

    __tablename__ = "review_update"
    __table_args__ = (Index("ix_review_update_review_date", "review_id", "entry_date", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    entry_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_label: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="updates", foreign_keys=[review_id])


class RecommendationAction(db.Model):
    """A recommendation tracked as an action after publication."""

    __tablename__ = "recommendation_action"

    STATUSES = ["not started", "in progress", "completed", "not accepted"]

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    recommendation: Mapped[str] = mapped_column(Text)
    owner_organisation: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not started")
    evidence: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # set by the services from their `now`

    review: Mapped[Review] = relationship(back_populates="actions")
