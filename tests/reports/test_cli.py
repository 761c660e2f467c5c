"""`flask reports show` and `flask reports extract`: figures, files, refusals, audit."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.reports.support import xlsx_sheets


def cli_tables(output: str) -> dict[str, list[list[str]]]:
    """The tables printed by `reports show`, by title: rows of cells (split on runs of two spaces or more)."""
    tables: dict[str, list[list[str]]] = {}
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and lines[i + 1] and set(lines[i + 1]) == {"="} and len(lines[i + 1]) == len(line):
            rows = []
            for body in lines[i + 2:]:
                if not body.strip() or body.startswith("Note:"):
                    break
                if set(body.replace(" ", "")) != {"-"}:
                    rows.append(re.split(r"\s{2,}", body.strip()))
            tables[line] = rows
    return tables


def show(app, *args: str):
    return app.test_cli_runner().invoke(args=["reports", "show", *args])


def test_show_prints_every_table_with_the_hand_computed_figures(app, reviews):
    result = show(app, "--period", "2021-Q3", "--scope", "Y56")
    assert result.exit_code == 0, result.output
    assert "Period: Q3 2021/22: 1 October 2021 to 31 December 2021" in result.output
    assert "Geography: As recorded" in result.output
    tables = cli_tables(result.output)
    flow = {r[0]: r[1:] for r in tables["Reviews by type: open, opened and closed"][1:]}
    assert flow["SAR"] == ["3", "0", "0", "2", "1"] and flow["Rapid Review"] == ["0", "4", "0", "2", "2"]
    assert flow["Total"] == ["3", "7", "0", "5", "5"]
    assert "As at: the tracker's records at the end of 31 December 2021" in result.output
    rapid = {r[0]: r[1] for r in tables["Rapid reviews"][1:]}
    assert rapid["Conversion rate (% of decisions)"] == "50.0"
    assert rapid["Median working days from notification to decision"] == "12.0"
    overdue = {r[0]: r[1] for r in tables["Reviews with an overdue clock at 31 December 2021"][1:]}
    assert overdue["Update due (stale after no update)"] == "3"


def test_show_in_current_geography_and_one_table(app, reviews):
    result = show(app, "--period", "2021-Q3", "--scope", "Y60", "--geography", "current", "--table", "flow")
    assert result.exit_code == 0, result.output
    tables = cli_tables(result.output)
    assert list(tables) == ["Reviews by type: open, opened and closed"]
    assert tables["Reviews by type: open, opened and closed"][-1] == ["Total", "1", "3", "0", "1", "3"]
    assert "Geography: Current hierarchy" in result.output


def test_unknown_scopes_and_periods_are_refused_clearly(app, reviews):
    for args, message in [
        (("--period", "2021-Q3", "--scope", "ZZZ"), "ZZZ is not a scope"),
        (("--period", "2021-Q9", "--scope", "Y56"), "NHS financial-year quarters run from Q1"),
        (("--period", "2099-Q1", "--scope", "Y56"), "has not started yet"),
        (("--period", "soon", "--scope", "Y56"), "is not a period"),
    ]:
        result = show(app, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Reviews by type" not in result.output


def test_extract_writes_csv_and_xlsx_and_is_audited(app, session, reviews, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "extract.csv"
    result = runner.invoke(args=["reports", "extract", "--period", "2021-Q3", "--scope", "Y56", "--format", "csv",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote the S-CRT extract of 10 reviews" in result.output
    assert not list(tmp_path.glob("*.part"))  # no partial file left behind
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:3] == ["Record ID", "Status", "Date added"]  # the header on line 1
    assert len(rows) - 1 == 10
    xlsx = tmp_path / "extract.xlsx"
    result = runner.invoke(args=["reports", "extract", "--period", "2021-Q3", "--scope", "Y60", "--geography",
                                 "current", "--format", "xlsx", "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    data = xlsx_sheets(xlsx.read_bytes())["S-CRT extract"]
    assert sorted(r[11] for r in data[1:]) == ["RPT-B1", "RPT-M1", "RPT-M2", "RPT-M2c"]
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.extract")).all()
    assert [(e.actor_email, e.detail) for e in events] == [
        ("flask reports extract", "scrt-extract as csv; period 2021-Q3; scope Y56; geography recorded; as at "
                                  "2021-12-31; 10 rows"),
        ("flask reports extract", "scrt-extract as xlsx; period 2021-Q3; scope Y60; geography current; as at "
                                  "2021-12-31; 4 rows"),
    ]


def test_extract_as_zip_holds_the_csv_and_what_it_holds(app, reviews, tmp_path):
    out = tmp_path / "extract.zip"
    result = app.test_cli_runner().invoke(args=["reports", "extract", "--period", "2021-Q3", "--scope", "Y56",
                                                "--as-at", "2022-06-30", "--format", "zip", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "as at 30 June 2022" in result.output
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["scrt-extract-2021-Q3-Y56-recorded-as-at-2022-06-30.csv", "about.csv"]
        data = list(csv.reader(io.StringIO(archive.read(archive.namelist()[0]).decode())))
        about = dict(list(csv.reader(io.StringIO(archive.read("about.csv").decode())))[1:])
    assert data[0][0] == "Record ID" and len(data) == 11
    assert about["Period"].startswith("Q3 2021/22") and about["Rows"] == "10"
    assert about["As at"].startswith("the tracker's records at the end of 30 June 2022")


def test_a_bad_as_at_day_is_refused(app, reviews, tmp_path):
    for value, message in (("2021-13-01", "is not a date"), ("2021-09-30", "before Q3 2021/22 started"),
                           ("2099-01-01", "after today")):
        result = show(app, "--period", "2021-Q3", "--scope", "Y56", "--as-at", value)
        assert result.exit_code == 2 and message in result.output, (value, result.output)


def test_extract_refuses_a_bad_scope_and_writes_nothing(app, reviews, tmp_path):
    out = tmp_path / "never.csv"
    result = app.test_cli_runner().invoke(args=["reports", "extract", "--period", "2021-Q3", "--scope", "Q99",
                                                "--format", "csv", "--out", str(out)])
    assert result.exit_code == 2 and "Q99 is not a scope" in result.output
    assert not out.exists()
