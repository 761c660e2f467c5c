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
from app.reviews.actions import decide_rapid_review
from app.reviews.models import Review
from app.reviews.rules import ReviewInput
from app.reviews.service import create_review
from app.reviews.timeline import add_update
from app.reviews.types import COMMISSIONING_KIND, PublicationStatus, RapidOutcome, ReviewType

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


UPPER_TIER_PREFIXES = ("E06", "E08", "E09")  # unitary authorities, metropolitan districts, London boroughs
KIND_SUFFIX = {"SAB": "Safeguarding Adults Board", "LSCP": "Safeguarding Children Partnership",
               "CSP": "Community Safety Partnership"}


@dataclass(frozen=True)
class DemoPartnership:
    """A partnership the demo creates: its name, kind, ICB, and the sub-ICB locations (CCGs) whose area it covers."""

    name: str
    kind: str
    icb_code: str
    locations: frozenset[str]


def _ccg_area_name(ccg_name: str) -> str:
    return ccg_name.removeprefix("NHS ").removesuffix(" CCG").strip()


def partnerships_from_reference(session: Session) -> list[DemoPartnership]:
    """Partnerships built from the ONS CCG-to-local-authority lookup, at the level each sits at.

    Safeguarding Adults Boards and children's safeguarding partnerships are set up by upper-tier authorities: a
    unitary authority, metropolitan district or London borough has its own; the districts of a two-tier county
    share the county's, approximated here by the 2021 CCG covering most of the district (CCGs were mostly coterminous
    with counties after the April 2021 mergers). Community Safety Partnerships are per district (Crime and Disorder
    Act 1998 s5). Names follow the usual pattern; they are not checked against each board's own name."""
    with (REFERENCE_DIR / "ccg2021_to_lad2021_lsoa_counts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    main_ccg: dict[str, dict] = {}
    covers: dict[str, set[str]] = {}
    for row in rows:
        covers.setdefault(row["lad_name"], set()).add(row["ccg_ods_code"])
        best = main_ccg.get(row["lad_name"])
        if best is None or int(row["lsoa11_count"]) > int(best["lsoa11_count"]):
            main_ccg[row["lad_name"]] = row
    icb_of = dict(session.execute(select(SubIcbLocation.code, SubIcbLocation.icb_code)).all())
    areas: dict[tuple[str, str], tuple[str, set[str]]] = {}  # (kind, area name) -> (icb, locations)
    for lad, row in sorted(main_ccg.items()):
        icb = icb_of.get(row["ccg_ods_code"])
        if icb is None:
            continue
        upper = lad if row["lad_ons_code"].startswith(UPPER_TIER_PREFIXES) else _ccg_area_name(row["ccg_name"])
        for kind, area in (("SAB", upper), ("LSCP", upper), ("CSP", lad)):
            entry = areas.setdefault((kind, area), (icb, set()))
            entry[1].update(code for code in covers[lad] if code in icb_of)
    return [DemoPartnership(f"{area} {KIND_SUFFIX[kind]}", kind, icb, frozenset(locations))
            for (kind, area), (icb, locations) in sorted(areas.items(), key=lambda kv: (kv[0][1], kv[0][0]))]


def _load_partnerships(session: Session, partnerships: list[DemoPartnership] | None = None) -> int:
    """Add the demo's partnerships that are not on the managed list yet (by name); returns how many were added.

    When the managed list already holds partnerships (the reference list loaded by `flask reference load`), the
    demo uses those and adds none: pass `partnerships` to load a list of your own."""
    if partnerships is None:
        if session.scalar(select(Partnership.id).limit(1)) is not None:
            return 0
        partnerships = partnerships_from_reference(session)
    known = set(session.scalars(select(Partnership.name)))
    created = 0
    for p in partnerships:
        if p.name not in known:
            session.add(Partnership(name=p.name, kind=p.kind, icb_code=p.icb_code, active=True))
            known.add(p.name)
            created += 1
    session.flush()
    return created


def _partnership_picker(session: Session, partnerships: list[DemoPartnership] | None):
    """pick(location, kind) -> the id of a partnership of that kind covering the location (by area, else ICB)."""
    ids = dict(session.execute(select(Partnership.name, Partnership.id).where(Partnership.active.is_(True))).all())
    by_location: dict[tuple[str, str], list[int]] = {}
    for p in partnerships or ():
        for code in p.locations:
            if p.name in ids:
                by_location.setdefault((code, p.kind), []).append(ids[p.name])
    by_icb: dict[tuple[str, str], list[int]] = {}
    for pid, kind, icb in session.execute(select(Partnership.id, Partnership.kind, Partnership.icb_code)
                                          .where(Partnership.active.is_(True)).order_by(Partnership.id)):
        by_icb.setdefault((icb or "", kind), []).append(pid)

    def pick(rng: random.Random, location: SubIcbLocation, kind: str) -> int | None:
        pool = (by_location.get((location.code, kind)) or by_icb.get((location.icb_code, kind))
                or by_icb.get(("", kind)))
        return rng.choice(sorted(pool)) if pool else None

    return pick


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


def load_demo_data(session: Session, *, now: datetime, reviews: int = 420, seed: int = 20211001,
                   partnerships: list[DemoPartnership] | None = None) -> DemoReport:
    """Create the demo partnerships (unless the managed list has some, or use `partnerships`), users and reviews
    (once); the caller commits."""
    report = DemoReport()
    if partnerships is None and session.scalar(select(Partnership.id).limit(1)) is None:
        partnerships = partnerships_from_reference(session)
    report.partnerships = _load_partnerships(session, partnerships)
    report.users = _load_users(session, now)
    if demo_loaded(session):
        report.skipped = True
        return report
    rng = random.Random(seed)  # nosec B311
    today = now.date()
    actor = system_actor(scope_for_code(session, ENGLAND_CODE), name="demo-loader")
    locations = list(session.scalars(select(SubIcbLocation).order_by(SubIcbLocation.code)))
    favoured = [loc for loc in locations if loc.icb_code in {"QMJ", "QT1", "QF7"} or loc.code == "02Q"]
    pick_partnership = _partnership_picker(session, partnerships)
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
        partnership_id = pick_partnership(rng, location, COMMISSIONING_KIND.get(rtype, "SAB"))
        data = _review_input(rng, n, rtype, location, partnership_id, rng.sample(pool, rng.randint(1, 3)), added,
                             today)
        _maybe_close(rng, data, rtype, today)
        review = create_review(session, data=data, actor=actor, now=now)
        _add_updates(session, rng, review, actor, now)
        if rtype == ReviewType.RAPID:
            _maybe_decide(session, rng, review, actor, now, lambda kind, loc=location: pick_partnership(rng, loc, kind))
        report.reviews += 1
    return report


def _add_updates(session: Session, rng: random.Random, review: Review, actor, now: datetime) -> None:
    today = now.date()
    days = (today - review.date_added).days
    if days < 3:
        return
    for offset in sorted(rng.sample(range(1, days), min(days - 1, rng.randint(0, 4)))):
        entry = review.date_added + timedelta(days=offset)
        add_update(session, review=review, text=rng.choice(UPDATES), entry_date=entry, actor=actor, now=now,
                   expected_version=None)


def _maybe_decide(session: Session, rng: random.Random, review: Review, actor, now: datetime, partnership_of) -> None:
    today = now.date()
    notified = review.notification_date
    if (today - notified).days < 20 and rng.random() < 0.7:
        return  # still inside (or just past) its working-day deadline: left open so the clock shows
    decided = min(today, notified + timedelta(days=rng.randint(14, 30)))
    outcome = rng.choices([RapidOutcome.CSPR, RapidOutcome.NO_FURTHER_REVIEW, RapidOutcome.SAR, RapidOutcome.DHR],
                          weights=[45, 40, 10, 5])[0]
    becomes = rng.choice(outcome.family) if outcome.family else None
    partnership_id = partnership_of(COMMISSIONING_KIND[becomes]) if becomes else None
    decide_rapid_review(session, review=review, outcome=outcome, decision_date=decided, actor=actor, now=now,
                        expected_version=None, becomes=becomes, partnership_id=partnership_id)
