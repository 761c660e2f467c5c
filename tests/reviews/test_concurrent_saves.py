"""Two people saving the same review at the same instant: one save wins, the other sees the conflict page (never
a 500), on SQLite and PostgreSQL alike. Real concurrency: two threads, two database connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from app.reviews.models import Review
from tests.support.reviews import make_review
from tests.support.web import csrf_token, sign_in

ROUNDS = 10


def at_once(calls: list[Callable]) -> list[tuple[int, str]]:
    """Start the requests together (one thread each) and return (status, page) of each; an unhandled error in the
    app (the test config propagates it) counts as a 500."""
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, str]] = [(0, "")] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            response = calls[n]()
            answers[n] = (response.status_code, response.get_data(as_text=True))
        except Exception as exc:
            answers[n] = (500, f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _form(review: Review, html: str, overview: str) -> dict:
    return {
        "csrf_token": csrf_token(html), "review_type": review.review_type,
        "organisation_code": review.organisation_code, "date_added": review.date_added.isoformat(),
        "incident_date": review.incident_date.isoformat(), "dp_initials": review.dp_initials,
        "local_identifier": review.local_identifier, "overview": overview, "theme_1": review.theme_codes[0],
        "version": str(review.version),
    }


def _people(app):
    people = [app.test_client(), app.test_client()]
    sign_in(people[0], "dp_ncl")
    sign_in(people[1], "national")
    return people


def test_simultaneous_saves_give_one_winner_and_one_conflict_page(app, session):
    review = make_review(session)
    people = _people(app)
    url = f"/admin/review/edit/?id={review.id}"
    for round_number in range(ROUNDS):
        session.expire_all()
        current = session.get(Review, review.id)
        opened_at = current.version
        texts = [f"Round {round_number}: saved by person {n}." for n in range(2)]
        forms = [_form(current, person.get(url).get_data(as_text=True), texts[n]) for n, person in enumerate(people)]
        answers = at_once([partial(person.post, url, data=forms[n], follow_redirects=True)
                           for n, person in enumerate(people)])
        assert all(code == 200 for code, _ in answers), [(code, text[:300]) for code, text in answers]
        conflicts = [n for n, (_, text) in enumerate(answers) if "after you opened it" in text]
        assert len(conflicts) == 1, f"round {round_number}: {len(conflicts)} conflict pages"
        session.expire_all()
        saved = session.get(Review, review.id)
        assert saved.version > opened_at, "neither save was written"
        assert saved.overview == texts[1 - conflicts[0]], "the refused save was written"


def test_simultaneous_timeline_updates_never_give_a_500(app, session):
    review = make_review(session)
    people = _people(app)
    for round_number in range(5):
        session.expire_all()
        version = session.get(Review, review.id).version
        tokens = [csrf_token(p.get(f"/admin/review/details/?id={review.id}").get_data(as_text=True)) for p in people]
        answers = at_once([partial(person.post, "/admin/review/update/", data={
            "id": str(review.id), "version": str(version), "csrf_token": tokens[n], "entry_date": "2026-11-20",
            "text": f"Round {round_number}: panel met (person {n})."}, follow_redirects=True)
            for n, person in enumerate(people)])
        assert [code for code, _ in answers] == [200, 200], (round_number, [t[:300] for _, t in answers])
