"""Property tests: every valid NHS number is caught however it is written; review references never are."""

from __future__ import annotations

import nhs_number
from hypothesis import assume, given
from hypothesis import strategies as st

from app.privacy import scan_text
from app.privacy.lexicon import lexicon

NINE_DIGITS = st.text(alphabet="0123456789", min_size=9, max_size=9)
SEPARATORS = st.sampled_from(["", "", " ", "-", "  ", " - ", "."])
CONTEXTS = [
    "{}",
    "NHS number {} recorded",
    "({})",
    "ref:{}",
    "{}.",
    "The chronology listed {} twice.",
    "SAR-{}",
    "{} / 2021",
]


def valid_nhs_number(nine: str) -> str:
    """Complete nine digits with the library's check digit (skipping the impossible check digit 10)."""
    check = nhs_number.calculate_checksum(nine)
    assume(check is not None and check < 10)
    number = nine + str(check)
    # The library also rejects Scottish CHI-range numbers whose first six digits are not a date.
    assume(nhs_number.is_valid(number))
    return number


def kinds(text: str, *, identifier: bool) -> set[str]:
    return {finding.kind for finding in scan_text(text, identifier=identifier)}


@given(nine=NINE_DIGITS, identifier=st.booleans())
def test_plain_and_3_3_4_nhs_numbers_are_caught(nine: str, identifier: bool) -> None:
    number = valid_nhs_number(nine)
    for written in (number, f"{number[:3]} {number[3:6]} {number[6:]}", f"{number[:3]}-{number[3:6]}-{number[6:]}"):
        assert kinds(written, identifier=identifier) == {"nhs_number"}


@given(nine=NINE_DIGITS, separators=st.lists(SEPARATORS, min_size=9, max_size=9), identifier=st.booleans())
def test_randomly_spaced_nhs_numbers_are_caught(nine: str, separators: list[str], identifier: bool) -> None:
    number = valid_nhs_number(nine)
    written = number[0] + "".join(sep + digit for sep, digit in zip(separators, number[1:], strict=True))
    assert kinds(written, identifier=identifier) == {"nhs_number"}


@given(nine=NINE_DIGITS, context=st.sampled_from(CONTEXTS), separator=st.sampled_from(["", " ", "-"]))
def test_nhs_numbers_embedded_in_text_are_caught(nine: str, context: str, separator: str) -> None:
    number = valid_nhs_number(nine)
    written = separator.join((number[:3], number[3:6], number[6:]))
    assert kinds(context.format(written), identifier=False) == {"nhs_number"}


@given(nine=NINE_DIGITS)
def test_a_wrong_check_digit_is_not_an_nhs_number(nine: str) -> None:
    number = valid_nhs_number(nine)
    wrong = number[:9] + str((int(number[9]) + 1) % 10)
    assert "nhs_number" not in kinds(wrong, identifier=True)


REVIEW_TYPES = ["SAR", "DHR", "CSPR", "RR", "LSCP"]
# Realistic partnership / area codes (2-4 capitals); none is a forename (checked below).
AREAS = [
    "NCL", "SEL", "SWL", "NWL", "ESX", "WSX", "KNT", "SRY", "HMP", "BKS", "OXF", "BCP", "DVN", "CNW",
    "SOM", "GLS", "WLT", "BNS", "SHF", "LDS", "BRD", "KRK", "WKF", "MCR", "SFD", "TMS", "RDL", "BOL", "WGN",
    "TRF", "KNW", "SFT", "WRL", "HLT", "WRT", "BLK", "BLP", "CMB", "NTH", "DUR", "GAT", "NCS", "HUL", "YRK",
    "NYK", "NOT", "DER", "NHT", "COV", "BHM", "WLV", "DUD", "WSL", "STF", "STK", "SHR",
    "TFW", "WOR", "GLO", "BRS", "BTH", "NSO", "SGL", "PLY", "EXE", "NFK", "SFK", "PET", "BED", "LUT", "MKY",
    "HRT", "THR", "STH", "MED", "LEIC", "NOTT", "STAF", "HERT", "CAMB", "NORF", "SUFF", "DEVN", "CORN", "GLOS",
    "WILT", "DORS", "HANT", "SURR", "MANC", "LIVP", "SHEF", "NWCL", "KC", "TH", "WF", "HF", "LB", "NE", "SE",
]  # fmt: skip
YEARS = st.integers(min_value=2000, max_value=2030)


def test_the_area_codes_avoid_forenames() -> None:
    forenames = lexicon().forenames
    assert [area for area in AREAS if area.lower() in forenames] == []


reference = st.one_of(
    st.builds("{}-{}-{:02d}".format, st.sampled_from(REVIEW_TYPES), YEARS, st.integers(1, 99)),
    st.builds(
        "{}/{}/{}/{:03d}".format, st.sampled_from(REVIEW_TYPES), st.sampled_from(AREAS), YEARS, st.integers(1, 999)
    ),
    st.builds("{} {:02d}-{:03d}".format, st.sampled_from(REVIEW_TYPES), st.integers(0, 99), st.integers(1, 999)),
    st.builds("{}/{:05d}".format, YEARS, st.integers(1, 99999)),
)


@given(reference)
def test_review_references_are_clean_in_identifier_fields(text: str) -> None:
    assert scan_text(text, identifier=True) == []
