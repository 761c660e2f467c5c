"""`flask reviews import FILE`: dry run, commit, problems and refusals with exit codes, --as / --scope, --mapping."""

from sqlalchemy import select

from app.reviews.models import Review
from tests.imports.helpers import counts, csv_bytes
from tests.imports.test_readers import xlsx

GOOD = [["CCG Code", "Type of review", "Date added", "DP initials", "Local identifier", "Theme 1", "Latest update"],
        ["93C", "SAR", "03/11/2021", "AB", "CLI-1", "CA_NEGLECT", "Chronology requested."],
        ["00C", "DHR", "4 Nov 2021", "CD", "CLI-2", "DA_DOMESTIC_ABUSE", ""]]


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["reviews", "import", *map(str, args)])


def test_dry_run_then_commit_then_the_same_file_again(app, session, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes(csv_bytes(GOOD))
    before = counts(session)
    dry = invoke(app, path, "--dry-run", "--scope", "ENG")
    assert dry.exit_code == 0, dry.output
    assert "column 'CCG Code' -> Sub-ICB location code" in dry.output
    assert "row 3: old CCG code (00C NHS Darlington) -> 16C NHS North East and North Cumbria ICB - 16C" in dry.output
    assert ("2 rows; would create 2, would update 0, would leave unchanged 0; 0 to complete; 1 remapped; 0 rows "
            "refused (0 problems)") in dry.output
    assert "Dry run: nothing was changed. The file is ready to import." in dry.output
    assert "Checking rows" in dry.output  # the progress bar's label (the bar itself needs a terminal)
    assert counts(session) == before

    done = invoke(app, path, "--scope", "ENG")
    assert done.exit_code == 0 and "created 2, updated 0, unchanged 0" in done.output and "Committed." in done.output
    assert counts(session) == (before[0] + 2, before[1] + 1)
    again = invoke(app, path, "--scope", "ENG")
    assert again.exit_code == 0 and "Committed: nothing changed" in again.output
    assert counts(session) == (before[0] + 2, before[1] + 1)
    author = session.scalar(select(Review).where(Review.local_identifier == "CLI-1")).latest_update.author_label
    assert author == "import (command line, ENG)"


def test_as_a_user_their_scope_applies_and_refused_rows_exit_1(app, session, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes(csv_bytes(GOOD))
    before = counts(session)
    result = invoke(app, path, "--as", "dp.ncl@example.com")
    assert result.exit_code == 1
    assert 'row 3, "CCG Code" (text) [refused]: Organisation is outside your scope' in result.output
    assert "row 3 not imported: Ask the organisation's designated professional or the national team to import " \
           "this row" in result.output
    assert "Committed. 1 row was not imported: correct it as said above and import the file again." in result.output
    assert counts(session) == (before[0] + 1, before[1] + 1)  # the row in scope went in


def test_refused_files_exit_2_and_a_formula_refuses_its_row(app, session, tmp_path):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(xlsx({"Reviews": [["CCG", "Local ref"], ["93C", "=A1"]]}))
    result = invoke(app, path, "--scope", "ENG", "--dry-run")
    assert result.exit_code == 1 and 'row 2, "Local ref" (formula) [refused]: The cell holds a formula' in result.output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert invoke(app, empty, "--scope", "ENG").exit_code == 2
    header_only = tmp_path / "header.csv"
    header_only.write_bytes(b"CCG,Local ref,Type of review\r\n")
    result = invoke(app, header_only, "--scope", "ENG")
    assert result.exit_code == 0 and "There is nothing to import: the file holds no review rows." in result.output


def test_options_are_checked(app, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes(csv_bytes(GOOD))
    assert "exactly one of --as EMAIL or --scope CODE" in invoke(app, path).output
    assert invoke(app, path, "--as", "dp.ncl@example.com", "--scope", "ENG").exit_code == 2
    assert "No active user 'nobody@example.com'" in invoke(app, path, "--as", "nobody@example.com").output
    assert "is not a scope" in invoke(app, path, "--scope", "XYZ").output
    refused = invoke(app, path, "--as", "viewer.national@example.com")
    assert refused.exit_code == 2 and "may not import reviews" in refused.output


def test_mapping_and_sheet_options(app, session, tmp_path):
    book = tmp_path / "tracker.xlsx"
    book.write_bytes(xlsx({"Cover": [["Tracker"]], "Reviews 2022": [
        ["Commissioner", "Case no", "Kind", "Opened", "Lead", "Concern"],
        ["93C", "CLI-MAP-1", "CSPR", "2022-01-05", "EF", "WT_NEGLECT"]]}))
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"Commissioner": "organisation", "Case no": "local_identifier", "Kind": "review_type", '
                       '"Opened": "date_added", "Lead": "dp_initials", "Concern": "theme_1"}')
    result = invoke(app, book, "--sheet", "reviews 2022", "--mapping", mapping, "--as", "dp.ncl@example.com")
    assert result.exit_code == 0, result.output
    assert "XLSX, sheet 'Reviews 2022'" in result.output
    assert session.scalar(select(Review.review_type).where(Review.local_identifier == "CLI-MAP-1")) == "CSPR"
    bad = tmp_path / "bad.csv"
    bad.write_text("Commissioner,colour\n")
    assert "unknown field 'colour'" in invoke(app, book, "--mapping", bad, "--scope", "ENG").output
