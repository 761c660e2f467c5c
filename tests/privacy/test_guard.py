"""Unit tests of the guard, one kind at a time, plus the public API's contract."""

from __future__ import annotations

import re

import pytest

from app.privacy import KINDS, FieldFinding, Finding, check_fields, scan_text


def kinds(text: str | None, *, identifier: bool = False) -> set[str]:
    return {finding.kind for finding in scan_text(text, identifier=identifier)}


@pytest.mark.parametrize(
    "text",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "943  476 - 5919",
        "NHS no 401 023 2137 was on the letter.",
        "(9077777865)",
        "NHS:9434765919.",
        "Ref: 4010232137/SAR",
    ],
)
def test_valid_nhs_numbers_are_found(text: str) -> None:
    assert kinds(text) == {"nhs_number"}


@pytest.mark.parametrize(
    "text",
    ["9310965602", "961 301 3914", "1234567890", "999 123 4567", "19434765919", "StEIS 2021/12345", "£9,434,765,919"],
)
def test_invalid_or_longer_numbers_are_not_nhs_numbers(text: str) -> None:
    assert "nhs_number" not in kinds(text)


def test_a_valid_nhs_number_that_is_also_phone_shaped_is_one_nhs_finding() -> None:
    assert kinds("0207946019") == {"nhs_number"}


def test_an_invalid_nhs_number_that_is_phone_shaped_is_a_phone() -> None:
    assert kinds("0161496000") == {"phone"}


@pytest.mark.parametrize(
    "text",
    [
        "DOB 03/04/1990",
        "D.O.B. 3.4.90",
        "date of birth: 12 March 1987",
        "He was born on 3 April 1990.",
        "Child B was born in March 2019.",
        "Adult C, b. 3/4/1951, lived alone.",
        "aged 34 (12/03/1987)",
        "12/03/1987 (34)",
        "01/02/1946, 75 years old",
        "(16yo, 02-09-2005)",
        "SAR-DOB-03041990",
        "She was born on April 3, 1990.",
    ],
)
def test_dates_of_birth_are_found(text: str) -> None:
    assert "date_of_birth" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "The incident happened on 12/03/2021.",
        "Adult A, aged 78, died in hospital on 12 March 2021.",
        "Died 12/03/2021 aged 34.",
        "The date of birth was recorded incorrectly.",
        "Child E was born prematurely.",
        "She was born in Leeds.",
        "aged 34",
        "The review covers 1 April 2019 to 31 March 2021.",
    ],
)
def test_other_dates_and_ages_are_not_dates_of_birth(text: str) -> None:
    assert "date_of_birth" not in kinds(text)


@pytest.mark.parametrize(
    "text", ["SW1A 1AA", "m1 1ae", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB", "GIR 0AA", "W1A 0AX", "(N1 9GU)"]
)
def test_postcodes_are_found(text: str) -> None:
    assert kinds(text, identifier=True) == {"postcode"}


@pytest.mark.parametrize(
    "text", ["Q3 2021", "2021/12345", "The M25 was closed", "Vitamin B12", "The CR2 area", "M1 1st exit", "SW1A"]
)
def test_postcode_lookalikes_are_not_postcodes(text: str) -> None:
    assert "postcode" not in kinds(text)


@pytest.mark.parametrize(
    "text", ["jon.smith@example.com", "Write to x_y-z+1@sub.example.co.uk today", "<mailto:a.b@nhs.net>"]
)
def test_email_addresses_are_found(text: str) -> None:
    assert kinds(text) == {"email"}


@pytest.mark.parametrize("text", ["The worker emailed the school.", "All @nhs.net addresses", "SAB@2021"])
def test_at_signs_without_an_address_are_not_emails(text: str) -> None:
    assert "email" not in kinds(text)


def test_a_name_inside_an_email_is_reported_as_the_email_only() -> None:
    assert kinds("Contact olivia.k@nhs.net today") == {"email"}


@pytest.mark.parametrize(
    "text",
    [
        "020 7946 0958",
        "(0161) 496 0000",
        "+44 7700 900123",
        "+44 (0)20 7946 0111",
        "07700900123",
        "0118-496-0789",
        "03069 990123",
        "0044 7700 900123",
    ],
)
def test_uk_phone_numbers_are_found(text: str) -> None:
    assert kinds(text) == {"phone"}


@pytest.mark.parametrize(
    "text", ["Called 999 and 111", "Dose 0.5 mg", "CSPR 22-117", "Between 01 02 2021 and 28 02 2021", "Call ref 01234"]
)
def test_other_numbers_are_not_phone_numbers(text: str) -> None:
    assert "phone" not in kinds(text)


def test_findings_follow_the_kinds_order_and_are_deduplicated() -> None:
    text = "Olivia, DOB 03/04/2015, NHS 943 476 5919 and 401 023 2137, LS1 4AP, a@example.com, 07700 900123"
    findings = scan_text(text)
    assert [finding.kind for finding in findings] == list(KINDS)
    assert findings == [Finding(kind, KINDS[kind]) for kind in KINDS]


@pytest.mark.parametrize("text", [None, "", "   \n"])
def test_nothing_to_scan_is_clean(text: str | None) -> None:
    assert scan_text(text) == []
    assert scan_text(text, identifier=True) == []


def test_a_non_string_is_refused_without_echoing_it() -> None:
    with pytest.raises(TypeError) as raised:
        scan_text(9434765919)  # type: ignore[arg-type]
    assert "9434765919" not in str(raised.value)


def test_descriptions_are_field_free_and_hold_no_digits() -> None:
    assert set(KINDS) == {"nhs_number", "date_of_birth", "postcode", "email", "phone", "name"}
    for description in KINDS.values():
        assert description and not re.search(r"\d", description)


def test_check_fields_names_the_field_label_and_kind() -> None:
    findings = check_fields(
        {"local_identifier": "JonS", "overview": "Reviewed on 12/03/2021; no concerns.", "steis_number": None},
        labels={"local_identifier": "Local identifier"},
        identifier_fields={"local_identifier", "steis_number"},
    )
    assert findings == [
        FieldFinding(
            "local_identifier",
            "name",
            "Local identifier: contains what looks like a person's name"
            " (patient identifiable data is not allowed here)",
        )
    ]


def test_check_fields_keeps_field_order_then_kind_order_and_derives_missing_labels() -> None:
    findings = check_fields(
        {"learning_1": "Ring 07700 900123 or see DOB 03/04/1990", "overview": "NHS 943 476 5919, NHS 9434765919"}
    )
    assert [(f.field, f.kind) for f in findings] == [
        ("learning_1", "date_of_birth"),
        ("learning_1", "phone"),
        ("overview", "nhs_number"),
    ]
    assert findings[0].message.startswith("Learning 1: contains a date of birth")


def test_identifier_fields_are_judged_more_strictly() -> None:
    assert check_fields({"local_id": "jons"}) == []
    assert [f.kind for f in check_fields({"local_id": "jons"}, identifier_fields=["local_id"])] == ["name"]


@pytest.mark.parametrize("text", ["jon.s", "seen by jon.s on Monday", "Mark-T attended", "liaison with olivia_k",
                                  "The chronology was seen by jon.s.", "Agreed with JON.S. The GP was told."])
def test_a_forename_glued_to_an_initial_is_a_name_in_free_text_too(text) -> None:
    assert [f.kind for f in scan_text(text)] == ["name"]


@pytest.mark.parametrize("text", ["215-148-5463", "2151485463", "CHI 0101901232", "H&C 320 123 4567", "3998765433"])
def test_any_ten_digits_with_a_valid_modulus_11_check_digit_are_a_patient_number(text) -> None:
    """CHI (Scotland) and H&C (Northern Ireland) numbers use the NHS number's check digit; the range does not
    matter (the nhs-number library calls 215-148-5463 "not an NHS number", yet a CHI-range number it is)."""
    assert [f.kind for f in scan_text(text)] == ["nhs_number"]


@pytest.mark.parametrize("text", ["see s.47 and s.17", "jon.s.k", "ref NHS.E.2021 agreed"])
def test_a_dotted_code_is_not_a_forename_and_initial(text) -> None:
    assert scan_text(text) == []


def test_a_wrong_check_digit_is_not_a_patient_number() -> None:
    assert scan_text("2151485464") == [] and scan_text("2510873424") == []


SENSITIVE_VALUES = [
    ("943 476 5919", True),
    ("943-476-5919", True),
    ("DOB 03/04/1990", False),
    ("born on 3 April 1990", False),
    ("SW1A 1AA", True),
    ("jon.smith@example.com", False),
    ("+44 7700 900123", True),
    ("(0161) 496 0000", True),
    ("JonS", True),
    ("Olivia", False),
    ("Mrs Okafor", False),
]


@pytest.mark.parametrize(("value", "identifier"), SENSITIVE_VALUES)
def test_messages_never_contain_the_value(value: str, identifier: bool) -> None:
    findings = check_fields({"field": f"Seen: {value}."}, identifier_fields={"field"} if identifier else ())
    assert findings, "the example must be a finding for this test to mean anything"
    digits = re.sub(r"\D", "", value)
    words = [word for word in re.findall(r"[A-Za-z]{3,}", value) if word.lower() not in {"dob", "born", "april"}]
    for finding in findings:
        assert value not in finding.message
        assert not digits or digits not in re.sub(r"\D", "", finding.message)
        for word in words:
            assert word.lower() not in finding.message.lower()
        description = KINDS[finding.kind]
        assert value not in description
