"""Header matching: synonyms (case and spacing insensitive), the export's and S-CRT extract's headers, mappings."""

import json

import pytest

from app.imports.headers import (
    DERIVED,
    IGNORE,
    TARGETS,
    find_header_row,
    load_mapping,
    map_headers,
    normalise_header,
    recognise,
)
from app.imports.readers import ImportRefused
from app.reviews.export import EXPORT_COLUMNS, EXPORT_HEADERS

# What each export column is read back as (None: derived by the tracker, not imported).
EXPORT_TARGETS = {
    "id": "tracker_number", "status": "status", "review_type": "review_type",
    "type_other_description": "type_other_description", "date_added": "date_added",
    "organisation_code": "organisation_code", "recorded_organisation_name": "organisation_name",
    "recorded_icb_code": IGNORE, "recorded_icb_name": IGNORE, "recorded_region_code": IGNORE,
    "recorded_region_name": IGNORE, "dp_initials": "dp_initials", "partnership": "partnership",
    "steis_number": "steis_number", "lfpse_reference": "lfpse_reference", "local_identifier": "local_identifier",
    "incident_date": "incident_date", "incident_learned_date": "incident_learned_date",
    "notification_date": "notification_date", "decision_date": "decision_date",
    "rapid_outcome": "rapid_outcome", "overview": "overview", "theme_1": "theme_1", "theme_2": "theme_2",
    "theme_3": "theme_3", "media_interest": "media_interest", "latest_update": "latest_update",
    "latest_update_on": "latest_update_on", "signed_off_date": "signed_off_date",
    "qa_submitted_date": "qa_submitted_date", "qa_feedback_date": "qa_feedback_date",
    "qa_approved_date": "qa_approved_date",
    "publication_date": "publication_date", "publication_status": "publication_status",
    "embargo_review_date": "embargo_review_date", "report_url": "report_url", "learning_1": "learning_1",
    "learning_2": "learning_2", "learning_3": "learning_3", "recommendations": "recommendations",
    "converted_to_id": "converted_to",
}

# The national S-CRT extract's columns (issue 5), in its order.
SCRT_HEADERS = {
    "Status": "status", "Date added": "date_added", "CCG area": "organisation_name", "CCG code": "organisation_code",
    "STP/ICS area": IGNORE, "STP/ICS code": IGNORE, "Region name": IGNORE, "Region code": IGNORE,
    "Designated professional's initials": "dp_initials", "Partnership": "partnership",
    "StEIS number / local identifier": "steis_or_local", "Type of review": "review_type",
    "Incident date": "incident_date", "Brief overview": "overview", "Theme 1": "theme_1", "Theme 2": "theme_2",
    "Theme 3": "theme_3", "Media interest": "media_interest", "Latest update": "latest_update",
    "Date signed off": "signed_off_date", "Publication date": "publication_date",
    "Public/embargoed": "publication_status", "Web link": "report_url",
    "Organisational learning 1": "learning_1", "Organisational learning 2": "learning_2",
    "Organisational learning 3": "learning_3", "Lessons learned / recommendations": "recommendations",
}


def test_every_export_header_maps_back():
    assert [key for key, _, _ in EXPORT_COLUMNS] == list(EXPORT_TARGETS)
    for key, header, _ in EXPORT_COLUMNS:
        assert recognise(header) == EXPORT_TARGETS[key], header
    headers = map_headers(1, EXPORT_HEADERS)
    assert not headers.unknown and len(headers.derived) == 4


def test_every_scrt_extract_header_maps():
    for header, target in SCRT_HEADERS.items():
        assert recognise(header) == target, header


@pytest.mark.parametrize("header", ["CCG Code", "ccg_code", "CCG", " ccg  code ", "Sub-ICB code", "SUB ICB LOCATION",
                                    "Sub-ICB location code", "ODS code"])
def test_organisation_synonyms(header):
    assert recognise(header) == "organisation_code"


@pytest.mark.parametrize("header", ["Type of Review", "Review type", "review_type", "TYPE"])
def test_review_type_synonyms(header):
    assert recognise(header) == "review_type"


def test_bracketed_hints_are_ignored_when_needed():
    assert recognise("Date added (dd/mm/yyyy)") == "date_added"
    assert recognise("Media interest (Y/N)") == "media_interest"
    assert recognise("Other review type (description)") == "type_other_description"


def test_no_synonym_means_two_things():
    seen: dict[str, str] = {}
    for target, names in TARGETS.items():
        for name in names:
            key = normalise_header(name)
            assert seen.setdefault(key, target) == target, (name, seen[key], target)
    for name in DERIVED:
        assert normalise_header(name) not in seen, name


def test_the_header_row_may_sit_below_a_title():
    rows = [(1, ["North tracker 2021", None]), (2, ["Printed on 1 Dec", None]),
            (3, ["CCG", "Local ref", "Type"]), (4, ["93C", "A-1", "SAR"])]
    assert find_header_row(rows) == 2


def test_unknown_only_and_missing_key_columns_are_refused():
    with pytest.raises(ImportRefused, match=r"None of the columns is recognised .*'Colour', 'Size'"):
        map_headers(1, ["Colour", "Size"])
    with pytest.raises(ImportRefused, match="no organisation column"):
        map_headers(1, ["Local identifier", "Type of review"])
    with pytest.raises(ImportRefused, match="no identifier column"):
        map_headers(1, ["CCG", "Type of review"])


def test_two_columns_for_one_field_are_refused_unless_a_mapping_says_which():
    with pytest.raises(ImportRefused, match="'CCG' and 'CCG code' both hold Sub-ICB location code"):
        map_headers(1, ["CCG", "CCG code", "Local ref"])
    mapping = load_mapping(b"source,field\nCCG,ignore\n")
    headers = map_headers(1, ["CCG", "CCG code", "Local ref"], mapping)
    assert [(c.header, c.target) for c in headers.columns] == [("CCG code", "organisation_code"),
                                                                ("Local ref", "local_identifier")]


def test_mapping_files_csv_and_json():
    assert load_mapping(b"Commissioner ODS,organisation\nRef No,local_identifier\nRAG,ignore\n") == {
        "commissioner ods": "organisation_code", "ref no": "local_identifier", "rag": IGNORE}
    as_json = json.dumps({"Commissioner ODS": "Sub-ICB location code", "Kind": "review_type"}).encode()
    assert load_mapping(as_json) == {"commissioner ods": "organisation_code", "kind": "review_type"}
    headers = map_headers(1, ["Commissioner ODS", "Ref No", "Kind"], load_mapping(
        b"Commissioner ODS,organisation\nRef No,local_identifier\nKind,review_type\n"))
    assert [c.target for c in headers.columns] == ["organisation_code", "local_identifier", "review_type"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"), (b"a,not_a_field\n", "unknown field 'not_a_field'"), (b"{not json", "not valid JSON"),
    (b'{"a": 1}', "must be an object"), (b"onlyone\n", "two values"), (b"\xff\xfe\x00", "not UTF-8"),
])
def test_bad_mapping_files_are_refused(data, message):
    with pytest.raises(ImportRefused, match=message):
        load_mapping(data)
