"""Name-like words: strict in identifier fields, usage-aware in free text."""

from __future__ import annotations

import pytest

from app.privacy import scan_text
from app.privacy.lexicon import MIN_COUNT, lexicon


def has_name(text: str, *, identifier: bool) -> bool:
    return any(finding.kind == "name" for finding in scan_text(text, identifier=identifier))


@pytest.mark.parametrize(
    "text",
    [
        "JonS",
        "jon.s",
        "Jon-S",
        "Jon_S",
        "Jon S",
        "SarahJ",
        "SarahJT",
        "sarahj",
        "jons",
        "JSarah",
        "Olivia",
        "DHR-Olivia-2021",
        "SAR-JonS-2022",
        "GraceT",
        "Hope-S",
        "BEN.T",
        "OLIVIAK",
        "kevin_b_2021",
    ],
)
def test_name_like_identifiers_are_flagged(text: str) -> None:
    assert has_name(text, identifier=True)


@pytest.mark.parametrize(
    "text",
    [
        "DHR-2021-03",
        "SAR/NCL/2022/004",
        "CSPR 22-117",
        "2021/12345",
        "RR-2023-015",
        "LSCP/ESX/RR/12",
        "SAR 2022 07",
        "DHR Barnet 2021",
        "93C",
        "QMJ",
        "Y56",
        "MARAC-2021-4",
        "CAMHS-RR-2022-05",
        "SAR/Lincoln/2022/002",
        "SAR Forest of Dean 2020",
        "CSPR Milton Keynes 22",
        "DHR June 2021",
        "RR Baby T 2022",
        "SAR Mrs A 2020",
        "SAR-ToR-v2",
        "SAR/LEIC/2022/004",
        "SAR/NEL/2022/004",  # three capitals are read as a code even when they spell a forename (Nel)
        "RAJ-SI-2021-09",
    ],
)
def test_review_references_are_not_names(text: str) -> None:
    assert not has_name(text, identifier=True)


@pytest.mark.parametrize(
    "text",
    [
        "Olivia was seen by the health visitor.",
        "The assessment did not include Jessica.",
        "Practitioners spoke to Grace about the bruising.",
        "Grace T. told her teacher.",
        "The school referred GraceT to early help.",
        "Mrs Hope attended.",
        "Mr Patel was not offered an assessment.",
        "PC Lee attended.",
        "Olivia's school attendance fell.",
        "the daughter, priya, was the main carer",
        "OLIVIA SMITH - DID NOT ATTEND",
        "Jordan told his teacher.",
        "Practitioners did not speak to Jack alone.",
    ],
)
def test_names_in_free_text_are_flagged(text: str) -> None:
    assert has_name(text, identifier=False)


@pytest.mark.parametrize(
    "text",
    [
        "The review found that agencies did not share information; neglect and self-neglect were themes; "
        "a Rapid Review was held; the Panel will publish; Mark the date.",
        "Grace period of 28 days applied.",
        "We hope that the learning will be shared.",
        "The Bill received Royal Assent in April 2021.",
        "He had changed his Will.",
        "Hope House provided respite care.",
        "The case was rated Amber.",
        "NHS North Central London ICB commissioned the review.",
        "She was admitted to Queen Elizabeth Hospital.",
        "The Royal Free and St Mary's Hospital both saw her.",
        "Chelsea and Westminster Hospital NHS Foundation Trust shared records.",
        "Clare's Law was not used.",
        "The family moved from Kensington and Chelsea to Lincoln.",
        "He moved from India in 2015.",
        "The family attended a Christian church.",
        "Child A and Baby B lived with their mother.",
        "Mr X and Mrs Y were known to adult social care.",
        "In May the family was evicted; in June the case closed.",
        "Prevent and Channel referrals were considered.",
    ],
)
def test_ordinary_words_and_organisations_are_not_names(text: str) -> None:
    assert not has_name(text, identifier=False)


def test_lexicon_applies_the_documented_cut_off() -> None:
    words = lexicon()
    assert MIN_COUNT == 30
    assert {"olivia", "mohammed", "doris", "maureen", "jon"} <= words.forenames
    assert "muriel" not in words.forenames  # 8 babies in 1996-2020: below the cut-off
    assert not any(len(name) < 3 for name in words.forenames)
    assert {"grace", "hope", "mark", "will", "rose", "lily"} <= words.ordinary_words
    assert {"barnet", "devon", "lincoln"} <= words.places


def test_lexicon_is_loaded_once() -> None:
    assert lexicon() is lexicon()
