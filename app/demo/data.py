"""A realistic, clearly fictional demo data set: partnerships, demo users and several hundred reviews.

Every review is created through the same services as the admin form, so the demo obeys every rule.
The generator is seeded: loading it into an empty database always gives the same data.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.models import ENGLAND_CODE, Partnership, SubIcbLocation, Theme
from app.orgs.reference import REFERENCE_DIR
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.people.models import User
from app.people.service import create_user
from app.reviews.actions import decide_rapid_review, reopen_review
from app.reviews.models import Review
from app.reviews.rules import ReviewInput
from app.reviews.service import create_review
from app.reviews.timeline import add_update
from app.reviews.types import PublicationStatus, RapidOutcome, ReviewType

# Public by design (README); production refuses demo data. The generator below is seeded fake data (B311).
DEMO_PASSWORD = "kestrel-harbour-lantern-42"  # nosec B105
DEMO_MARKER = "DEMO-"

# (email, role, scope, name) — the four accounts of the README, plus the people the workflows write to.
DEMO_USERS = [
    ("national@example.com", "national_admin", ENGLAND_CODE, "Demo National Admin"),
    ("lead.london@example.com", "regional_lead", "Y56", "Demo London Lead"),
    ("dp.ncl@example.com", "designated_professional", "QMJ", "Demo NCL Designated Professional"),
    ("viewer.midlands@example.com", "viewer", "Y60", "Demo Midlands Viewer"),
    ("lead.midlands@example.com", "regional_lead", "Y60", "Demo Midlands Lead"),
    ("lead.ney@example.com", "regional_lead", "Y63", "Demo North East and Yorkshire Lead"),
    ("dp.camden@example.com", "designated_professional", "93C", "Demo North Central London DP (sub-ICB)"),
    ("dp.nottingham@example.com", "designated_professional", "QT1", "Demo Nottingham DP"),
    ("dp.syorks@example.com", "designated_professional", "QF7", "Demo South Yorkshire DP"),
]

OVERVIEW_TEMPLATES = [
    "An adult with care and support needs died; agencies held relevant information that was not shared.",
    "Concerns about {theme} were raised by several agencies over two years before the incident.",
    "A young person known to children's social care and health services came to serious harm.",
    "Review of multi-agency responses to {theme}, including missed opportunities for professional curiosity.",
    "Death of an adult living alone; the review looks at assessment of mental capacity and escalation.",
    "Serious harm to an infant; the review considers health visiting, GP and hospital communication.",
]
LEARNING = [
    "Information sharing between primary care and adult social care needs a named route.",
    "Professional curiosity: practitioners should ask about the home circumstances at every contact.",
    "Escalation policies were not used when agencies disagreed about risk.",
    "Think family: the needs of carers were not assessed.",
    "Records of mental capacity assessments should show how the decision was reached.",
]
UPDATES = [
    "Terms of reference agreed by the partnership.",
    "Independent reviewer appointed; chronology requested from agencies.",
    "Health chronology submitted on time.",
    "Panel meeting held; practitioner event being arranged.",
    "First draft received and circulated to agencies for factual accuracy.",
    "Awaiting the outcome of criminal proceedings before the report can be finalised.",
    "Final report considered by the board; publication plan agreed with the family's wishes in mind.",
]


@dataclass
class DemoReport:
    """What the demo loader created."""

    users: int = 0
    partnerships: int = 0
    reviews: int = 0
    skipped: bool = False


def demo_loaded(session: Session) -> bool:
    """Whether demo reviews are already present."""
    return session.scalar(select(Review.id).where(Review.local_identifier.like(f"{DEMO_MARKER}%")).limit(1)) is not None


def _load_partnerships(session: Session) -> int:
    """One board, partnership and CSP per local authority area in the ONS CCG-to-LAD lookup (demo names)."""
    created = 0
    seen: set[str] = set()
    with (REFERENCE_DIR / "ccg2021_to_lad2021_lsoa_counts.csv").open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: (r["lad_name"], -int(r["lsoa11_count"])))
    for row in rows:
        lad = row["lad_name"]
        if lad in seen:
            continue
        seen.add(lad)
        location = session.get(SubIcbLocation, row["ccg_ods_code"])
        if location is None:
            continue
        for kind, suffix in (("SAB", "Safeguarding Adults Board"), ("LSCP", "Safeguarding Children Partnership"),
                             ("CSP", "Community Safety Partnership")):
            name = f"{lad} {suffix} (demo)"
            if session.scalar(select(Partnership.id).where(Partnership.name == name)) is None:
                session.add(Partnership(name=name, kind=kind, icb_code=location.icb_code, active=True))
                created += 1
    session.flush()
    return created


def _load_users(session: Session, now: datetime) -> int:
    created = 0
    for email, role, scope, name in DEMO_USERS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(session, email=email, role=role, scope_code=scope, password=DEMO_PASSWORD, full_name=name,
                        actor=None, now=now)
            created += 1
    return created


def _pick_type(rng: random.Random) -> ReviewType:
    return rng.choices(
        [ReviewType.SAR_MANDATORY, ReviewType.SAR_DISCRETIONARY, ReviewType.DHR, ReviewType.DHR_CHILD,
         ReviewType.CSPR, ReviewType.RAPID, ReviewType.OTHER],
        weights=[22, 8, 18, 3, 14, 30, 3],
    )[0]


def _review_input(rng: random.Random, n: int, rtype: ReviewType, location: SubIcbLocation, partnership_id: int | None,
                  themes: list[str], added: date, today: date) -> ReviewInput:
    theme_label = rng.choice(["neglect", "self-neglect", "domestic abuse", "exploitation", "substance misuse"])
    data = ReviewInput(
        review_type=rtype.value,
        type_other_description="Learning review commissioned locally" if rtype == ReviewType.OTHER else None,
        date_added=added,
        incident_date=added - timedelta(days=rng.randint(5, 120)),
        organisation_code=location.code,
        dp_initials=rng.choice(["AB", "JK", "MR", "SLT", "PW", "HDK", "CE", "RN"]),
        partnership_id=partnership_id,
        steis_number=f"{added.year}/{rng.randint(10000, 99999)}" if rng.random() < 0.45 else None,
        local_identifier=f"{DEMO_MARKER}{rtype.short.split()[0].upper()}-{added.year}-{n:04d}",
        overview=rng.choice(OVERVIEW_TEMPLATES).format(theme=theme_label),
        themes=themes,
        media_interest=rng.random() < 0.12,
    )
    if rtype == ReviewType.RAPID:
        data.notification_date = added - timedelta(days=rng.randint(0, 3))
        data.incident_date = data.notification_date - timedelta(days=rng.randint(0, 10))
    return data


def _maybe_close(rng: random.Random, data: ReviewInput, rtype: ReviewType, today: date) -> None:
    age = (today - data.date_added).days
    if rtype == ReviewType.RAPID or age < 200 or rng.random() < 0.25:
        if age > 190 and rng.random() < 0.3 and rtype != ReviewType.RAPID:
            data.signed_off_date = data.date_added + timedelta(days=rng.randint(150, min(age - 5, 400)))
        return
    signed = data.date_added + timedelta(days=rng.randint(150, min(age - 5, 420)))
    data.signed_off_date = signed
    if rng.random() < 0.8:
        published = min(today, signed + timedelta(days=rng.randint(10, 90)))
        data.publication_status, data.publication_date = PublicationStatus.PUBLIC.value, published
        data.report_url = f"https://safeguarding-partnership.example.org/reports/{data.local_identifier.lower()}"
        data.learning_1, data.learning_2 = rng.sample(LEARNING, 2)
        data.recommendations = "Recommendations for agencies are set out in the published report."
    else:
        data.publication_status = PublicationStatus.EMBARGOED.value
        data.embargo_review_date = max(signed + timedelta(days=1), today + timedelta(days=rng.randint(-20, 120)))
        data.learning_1 = rng.choice(LEARNING)


def load_demo_data(session: Session, *, now: datetime, reviews: int = 420, seed: int = 20211001) -> DemoReport:
    """Create the demo partnerships, users and reviews (once); the caller commits."""
    report = DemoReport()
    report.partnerships = _load_partnerships(session)
    report.users = _load_users(session, now)
    if demo_loaded(session):
        report.skipped = True
        return report
    rng = random.Random(seed)  # nosec B311
    today = now.date()
    actor = system_actor(scope_for_code(session, ENGLAND_CODE), name="demo-loader")
    locations = list(session.scalars(select(SubIcbLocation).order_by(SubIcbLocation.code)))
    favoured = [loc for loc in locations if loc.icb_code in {"QMJ", "QT1", "QF7"} or loc.code == "02Q"]
    partnerships: dict[str, list[int]] = {}
    for p in session.scalars(select(Partnership).order_by(Partnership.id)):
        partnerships.setdefault(p.icb_code or "", []).append(p.id)
    themes = {"adult": [], "child": [], "any": []}
    for t in session.scalars(select(Theme).order_by(Theme.code)):
        themes["child" if t.applies_to == "child" else "adult" if t.applies_to == "adult" else "any"].append(t.code)
    start = date(2021, 4, 1)
    span = (today - start).days
    for n in range(1, reviews + 1):
        rtype = _pick_type(rng)
        location = rng.choice(favoured) if rng.random() < 0.3 else rng.choice(locations)
        added = start + timedelta(days=int(span * (rng.random() ** 0.8)))
        if rtype == ReviewType.RAPID and rng.random() < 0.15:
            added = today - timedelta(days=rng.randint(1, 25))
        pool = themes["child" if rtype in (ReviewType.CSPR, ReviewType.RAPID) else "adult"] + themes["any"]
        data = _review_input(rng, n, rtype, location, rng.choice(partnerships.get(location.icb_code, [None])),
                             rng.sample(pool, rng.randint(1, 3)), added, today)
        _maybe_close(rng, data, rtype, today)
        review = create_review(session, data=data, actor=actor, now=now)
        _add_updates(session, rng, review, actor, now)
        if rtype == ReviewType.RAPID:
            _maybe_decide(session, rng, review, actor, now)
        report.reviews += 1
    _reopen_a_few(session, actor, now)
    return report


def _reopen_a_few(session: Session, actor, now: datetime, count: int = 3) -> None:
    """Reopen a few closed reviews today, so the status history (and the reports' Reopened column) shows one."""
    closed = list(session.scalars(select(Review).where(Review.status == "closed",
                                                       Review.review_type != ReviewType.RAPID)
                                  .order_by(Review.id).limit(count)))
    for review in closed:
        reopen_review(session, review=review, reason="Report withdrawn to correct a factual error (demo).",
                      actor=actor, now=now, expected_version=None)


def _add_updates(session: Session, rng: random.Random, review: Review, actor, now: datetime) -> None:
    today = now.date()
    days = (today - review.date_added).days
    if days < 3:
        return
    for offset in sorted(rng.sample(range(1, days), min(days - 1, rng.randint(0, 4)))):
        entry = review.date_added + timedelta(days=offset)
        add_update(session, review=review, text=rng.choice(UPDATES), entry_date=entry, actor=actor, now=now,
                   expected_version=None)


def _maybe_decide(session: Session, rng: random.Random, review: Review, actor, now: datetime) -> None:
    today = now.date()
    notified = review.notification_date
    if (today - notified).days < 20 and rng.random() < 0.7:
        return  # still inside (or just past) its 15 working days: left open so the clock shows
    decided = min(today, notified + timedelta(days=rng.randint(14, 30)))
    outcome = rng.choices([RapidOutcome.CSPR, RapidOutcome.NO_FURTHER_REVIEW, RapidOutcome.SAR, RapidOutcome.DHR],
                          weights=[45, 40, 10, 5])[0]
    decide_rapid_review(session, review=review, outcome=outcome, decision_date=decided, actor=actor, now=now,
                        expected_version=None)
