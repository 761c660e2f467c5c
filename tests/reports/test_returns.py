"""Period returns: a national admin signs off a period's return; the tracker keeps the exact figures and extract sent
(never changed), shows them later beside today's figures, and lists what changed since and why. Seen only within
the user's scope."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import NotAllowed, system_actor
from app.reports.changes import explanations
from app.reports.extract_files import extract_csv
from app.reports.models import PeriodReturn, ReturnImmutableError
from app.reports.request import prepare_request
from app.reports.returns import ReturnRefused, compare, recompute_request, sign_off
from app.reports.tables import tables_from_json
from config.clocks import CLOCKS
from config.reports import REPORTS
from config.scrt import SCRT_EXTRACT
from tests.reports.test_as_at import change_everything_after_the_period
from tests.support.reviews import NOW, make_review
from tests.support.web import csrf_token, sign_in

SIGNED = NOW + timedelta(days=1)  # 26 November 2026: before the changes of 27 and 30 November
Q3 = {"period": "2021-Q3", "scope": "ENG", "geography": "recorded"}


def national(session):
    return system_actor(scope_for_code(session, "ENG"), name="national@example.com")


def signed_return(session, *, scope: str = "ENG", note: str | None = "Submitted to NHS England.") -> PeriodReturn:
    request = prepare_request(session, actor=national(session), period="2021-Q3", scope_code=scope,
                              geography="recorded", today=date(2026, 11, 26))
    signed = sign_off(session, request=request, actor=national(session), now=SIGNED, note=note, clocks=CLOCKS,
                      settings=REPORTS, mapping=SCRT_EXTRACT)
    session.commit()
    return signed


def test_a_national_admin_signs_off_the_report_on_screen(client, session, reviews):
    sign_in(client, "national")
    page = client.get("/admin/reports/?period=2021-Q3&scope=ENG&geography=recorded").get_data(as_text=True)
    assert 'id="sign-off-form"' in page
    extract_before = client.get("/admin/reports/extract.csv?period=2021-Q3&scope=ENG&geography=recorded").data
    response = client.post("/admin/returns/sign-off", data={**Q3, "as_at": "2021-12-31", "note": "Q3 return",
                                                            "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    signed = session.scalars(select(PeriodReturn)).one()
    assert response.headers["Location"].endswith(f"/admin/returns/{signed.id}/")
    assert (signed.period_code, signed.scope_code, signed.geography, signed.revision, signed.as_at, signed.note) == (
        "2021-Q3", "ENG", "recorded", 1, date(2021, 12, 31), "Q3 return")
    assert signed.signed_off_by == "national@example.com"
    assert signed.extract_rows == 15  # London 10, B1, N1, M1, M2, M2c
    assert signed.extract_csv == extract_before  # exactly the file the page offered
    assert signed.extract_sha256 == hashlib.sha256(extract_before).hexdigest()
    tables, extra = tables_from_json(signed.figures)
    assert [t.key for t in tables] == ["flow", "areas", "rapid", "themes", "overdue", "media", "trend", "learning"]
    assert tables[0].row("Total")[1:] == [5, 10, 0, 6, 9]
    assert dict(map(tuple, extra["preamble"]))["Scope"] == "England"
    details = client.get(f"/admin/returns/{signed.id}/").get_data(as_text=True)
    assert 'id="return-unchanged"' in details and signed.extract_sha256 in details
    for fmt in ("csv", "xlsx", "zip"):
        download = client.get(f"/admin/returns/{signed.id}/extract.{fmt}")
        assert download.status_code == 200, fmt
    assert client.get(f"/admin/returns/{signed.id}/extract.csv").data == extract_before
    assert client.get(f"/admin/returns/{signed.id}/extract.xlsx").data == signed.extract_xlsx
    with zipfile.ZipFile(io.BytesIO(client.get(f"/admin/returns/{signed.id}/extract.zip").data)) as archive:
        assert archive.read(archive.namelist()[0]) == extract_before and "about.csv" in archive.namelist()
    listing = client.get("/admin/returns/").get_data(as_text=True)
    assert f'data-return="{signed.id}"' in listing and "Q3 2021/22" in listing
    session.expire_all()
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "report.sign_off" in actions and actions.count("report.extract") >= 4


def test_a_return_is_never_changed(session, reviews):
    signed = signed_return(session)
    signed.note = "changed"
    with pytest.raises(ReturnImmutableError):
        session.flush()
    session.rollback()
    with pytest.raises(ReturnImmutableError):
        session.delete(session.get(PeriodReturn, signed.id))
        session.flush()
    session.rollback()
    with pytest.raises(DatabaseError):  # the database refuses too
        session.execute(text("UPDATE period_return SET note = 'x'"))
    session.rollback()
    with pytest.raises(DatabaseError):
        session.execute(text("DELETE FROM period_return"))
    session.rollback()
    assert session.scalar(select(func.count(PeriodReturn.id))) == 1


def test_later_changes_are_shown_beside_the_return_and_explained(session, reviews):
    signed = signed_return(session)
    sent_csv = signed.extract_csv
    change_everything_after_the_period(session, reviews)
    late = make_review(session, now=NOW + timedelta(days=6), local_identifier="RPT-LATE", organisation_code="72Q",
                       date_added=date(2021, 11, 22), incident_date=date(2021, 11, 1))
    session.commit()
    # The return itself, and the report as at its own as-at day, are unchanged.
    assert session.get(PeriodReturn, signed.id).extract_csv == sent_csv
    again = recompute_request(session, signed, today=date(2026, 12, 2), as_at=signed.as_at)
    without_late = [line for line in extract_csv(session, again, SCRT_EXTRACT, clocks=CLOCKS).splitlines(keepends=True)
                    if "RPT-LATE" not in line]
    assert "".join(without_late).encode() == sent_csv  # only the late entry joins it (as it was entered)
    comparison = compare(session, signed, now=NOW + timedelta(days=7), clocks=CLOCKS, settings=REPORTS,
                         mapping=SCRT_EXTRACT)
    assert comparison.request.as_at == date(2026, 12, 2) and not comparison.unchanged
    sar_closed = [c for c in comparison.cells if c.table.startswith("Reviews by type") and c.row == "SAR"
                  and c.column == "Closed or converted"]
    assert [(c.sent, c.now) for c in sar_closed] == [(2, 3)]  # L10 published on 1 December 2021 (corrected later)
    rows = {r.record_id: r for r in comparison.rows}
    assert rows[late.id].kind == "added"
    assert rows[reviews["L10"].id].kind == "changed"
    changed = {column for column, _, _ in rows[reviews["L10"].id].columns}
    assert {"Status", "Publication date", "Public / embargoed", "Brief overview"} <= changed
    assert rows[reviews["N1"].id].kind == "removed"  # deleted on 30 November
    why = comparison.why
    assert any("late entry" in e.what for e in why[late.id])
    assert any("Publication date: (blank) to 1 December 2021" in e.what for e in why[reviews["L10"].id])
    l10 = " ".join(e.what for e in why[reviews["L10"].id])
    assert "Public / embargoed: (blank) to Public" in l10 and "Brief overview changed" in l10
    assert "Corrected overview." not in l10  # free text is named, not repeated
    l3 = " ".join(e.what for e in why[reviews["L3"].id])  # labels, never codes
    assert "Type of review: Child Safeguarding Practice Review to Safeguarding Adult Review (mandatory" in l3
    assert "Media interest: Yes to No" in l3 and "SAR_MANDATORY" not in l3
    # L7's reopening (27 November 2026) leaves its Q3 row as it was; asked about, the trail says what happened
    l7 = " ".join(e.what for e in explanations(session, {reviews["L7"].id}, since=signed.signed_off_at))
    assert "status closed to open: reopened: New information from the police" in l7
    assert any(e.what == "deleted" for e in why[reviews["N1"].id])
    assert all(e.when > signed.signed_off_at for e in comparison.explanations)


def test_a_second_sign_off_is_a_new_revision(session, reviews):
    first, second = signed_return(session), signed_return(session, note=None)
    assert (first.revision, second.revision) == (1, 2)
    assert first.extract_csv == second.extract_csv


def test_sign_off_is_refused_clearly_and_writes_nothing(session, reviews):
    request = prepare_request(session, actor=national(session), period="2026-11", scope_code="ENG",
                              geography="recorded", today=date(2026, 11, 26))
    with pytest.raises(ReturnRefused, match="has not ended yet"):
        sign_off(session, request=request, actor=national(session), now=SIGNED, note=None, clocks=CLOCKS,
                 settings=REPORTS, mapping=SCRT_EXTRACT)
    early = prepare_request(session, actor=national(session), period="2021-Q3", scope_code="ENG",
                            geography="recorded", today=date(2026, 11, 26), as_at=date(2021, 12, 1))
    with pytest.raises(ReturnRefused, match="end of its period or later"):
        sign_off(session, request=early, actor=national(session), now=SIGNED, note=None, clocks=CLOCKS,
                 settings=REPORTS, mapping=SCRT_EXTRACT)
    q3 = prepare_request(session, actor=national(session), period="2021-Q3", scope_code="ENG", geography="recorded",
                         today=date(2026, 11, 26))
    with pytest.raises(ReturnRefused, match="NHS number"):
        sign_off(session, request=q3, actor=national(session), now=SIGNED, note="Patient 943 476 5919",
                 clocks=CLOCKS, settings=REPORTS, mapping=SCRT_EXTRACT)
    lead = system_actor(scope_for_code(session, "Y56"))
    lead = lead.__class__(user_id=None, email="lead", role="regional_lead", scope=lead.scope)
    with pytest.raises(NotAllowed):
        sign_off(session, request=q3, actor=lead, now=SIGNED, note=None, clocks=CLOCKS, settings=REPORTS,
                 mapping=SCRT_EXTRACT)
    session.rollback()
    assert session.scalar(select(func.count(PeriodReturn.id))) == 0


def test_only_a_national_admin_can_sign_off_from_the_page(client, session, reviews):
    sign_in(client, "lead_london")
    page = client.get("/admin/reports/?period=2021-Q3&scope=Y56").get_data(as_text=True)
    assert 'id="sign-off-form"' not in page
    response = client.post("/admin/returns/sign-off", data={"period": "2021-Q3", "scope": "Y56",
                                                            "geography": "recorded", "csrf_token": csrf_token(page)})
    assert response.status_code == 403
    assert session.scalar(select(func.count(PeriodReturn.id))) == 0


@pytest.mark.parametrize(("who", "sees"), [
    ("national", {"ENG", "Y56", "QMJ"}), ("viewer_national", {"ENG", "Y56", "QMJ"}), ("lead_london", {"Y56", "QMJ"}),
    ("dp_ncl", {"QMJ"}), ("lead_midlands", set()), ("viewer_midlands", set()),
])
def test_a_return_is_seen_only_by_users_whose_scope_covers_its_area(client, session, reviews, who, sees):
    ids = {scope: signed_return(session, scope=scope).id for scope in ("ENG", "Y56", "QMJ")}
    sign_in(client, who)
    listing = client.get("/admin/returns/").get_data(as_text=True)
    assert {scope for scope, rid in ids.items() if f'data-return="{rid}"' in listing} == sees
    for scope, rid in ids.items():
        details = client.get(f"/admin/returns/{rid}/")
        extract = client.get(f"/admin/returns/{rid}/extract.csv")
        if scope in sees:
            assert details.status_code == 200 and extract.status_code == 200, (who, scope)
        else:
            assert details.status_code == 404 and extract.status_code == 404, (who, scope)
            assert "RPT-" not in details.get_data(as_text=True) + extract.get_data(as_text=True)


def test_the_return_page_lists_changes_with_their_reasons(client, session, reviews):
    signed = signed_return(session)
    change_everything_after_the_period(session, reviews)
    sign_in(client, "national")
    html = client.get(f"/admin/returns/{signed.id}/").get_data(as_text=True)
    assert 'id="return-changed"' in html and 'id="return-rows"' in html
    l10 = re.search(rf'data-record="{reviews["L10"].id}">(.*?)</tr>', html, re.S).group(1)
    assert "Publication date" in l10 and "corrected" in l10 and "as-at-test" in l10
    assert "1 December 2021" in l10 and "2021-12-01" not in l10
    assert "Return: Q3 2021/22 · England" in html and "UTC" not in html
    listing = client.get("/admin/returns/").get_data(as_text=True)
    assert ">England</td>" in listing and "26 November 2026 by" in listing
    sent = compare(session, signed, now=NOW + timedelta(days=7), clocks=CLOCKS, settings=REPORTS,
                   mapping=SCRT_EXTRACT).sent
    assert sent[0].row("Total")[1:] == [5, 10, 0, 6, 9]  # the figures as sent
