"""Field rules: dates, identifiers, initials, themes, publication; messages name the field and the rule."""

from datetime import date

import pytest

from app.reviews.rules import ReviewInput, validate
from tests.support.reviews import review_input

TODAY = date(2026, 11, 25)


def problems(**overrides) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in validate(review_input(**overrides), today=TODAY):
        out.setdefault(v.field, []).append(v.message)
    return out


def test_a_valid_review_breaks_no_rule():
    assert problems() == {}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"incident_date": date(2025, 7, 1)}, "date_added", "Date added cannot be before the incident date"),
        ({"signed_off_date": date(2025, 1, 1)}, "signed_off_date", "cannot be before the date added"),
        ({"signed_off_date": date(2025, 9, 1), "publication_date": date(2025, 8, 1), "publication_status": "public"},
         "publication_date", "Publication date cannot be before the date report signed off"),
        ({"date_added": date(2026, 11, 26)}, "date_added", "Date added cannot be in the future"),
        ({"incident_date": date(2027, 1, 1)}, "incident_date", "cannot be in the future"),
        ({"signed_off_date": date(2026, 12, 1)}, "signed_off_date", "cannot be in the future"),
    ],
)
def test_date_rules_name_the_field_and_the_rule(overrides, field, words):
    found = problems(**overrides)
    assert any(words in m for m in found.get(field, [])), found


def test_an_embargo_review_date_may_be_in_the_future():
    found = problems(signed_off_date=date(2026, 1, 5), publication_status="embargoed",
                     embargo_review_date=date(2027, 6, 1))
    assert found == {}


def test_at_least_one_identifier_is_required():
    found = problems(local_identifier=None)
    assert "at least one identifier" in found["local_identifier"][0]
    assert problems(local_identifier=None, lfpse_reference="LFPSE-889122") == {}
    assert problems(local_identifier=None, steis_number="2021/12345") == {}


@pytest.mark.parametrize("steis", ["2021/1234", "21/12345", "2021-12345", "2021/123456", "abcd/12345", "2021 /12345"])
def test_steis_number_format(steis):
    assert "for example 2021/12345" in problems(steis_number=steis)["steis_number"][0]


def test_steis_number_year_must_be_plausible():
    assert "from 2000 to 2026" in problems(steis_number="1999/12345")["steis_number"][0]
    assert "from 2000 to 2026" in problems(steis_number="2027/12345")["steis_number"][0]


@pytest.mark.parametrize("initials", ["A", "ABCDE", "A.B", "Jo Smith", "12"])
def test_initials_are_two_to_four_letters(initials):
    assert "2 to 4 letters" in problems(dp_initials=initials)["dp_initials"][0]


def test_initials_are_upper_cased_not_refused():
    assert problems(dp_initials="ab") == {}


def test_themes_one_required_at_most_three_no_repeats():
    assert "at least one" in problems(themes=[])["themes"][0]
    assert "at most three" in problems(themes=["CA_NEGLECT", "CA_SEXUAL", "CA_FINANCIAL", "TH_SUICIDE"])["themes"][0]
    assert "only once" in problems(themes=["CA_NEGLECT", "CA_NEGLECT"])["themes"][0]


def test_publication_needs_sign_off_and_consistent_fields():
    assert "signed off is required" in problems(publication_status="public",
                                                publication_date=date(2026, 1, 1))["signed_off_date"][0]
    assert "required when the report is public" in problems(signed_off_date=date(2026, 1, 1),
                                                             publication_status="public")["publication_date"][0]
    assert "required when the report is embargoed" in problems(
        signed_off_date=date(2026, 1, 1), publication_status="embargoed")["embargo_review_date"][0]
    assert "only for an embargoed" in problems(signed_off_date=date(2026, 1, 1), publication_status="public",
                                               publication_date=date(2026, 2, 1),
                                               embargo_review_date=date(2027, 1, 1))["embargo_review_date"][0]


@pytest.mark.parametrize("url", ["http://example.org/report", "example.org/report", "https://", "javascript:alert(1)",
                                 "https://exa mple.org"])
def test_report_link_must_be_https(url):
    assert "https://" in problems(report_url=url)["report_url"][0]


def test_rapid_review_needs_notification_and_has_no_publication():
    found = problems(review_type="RAPID")
    assert "Notification date is required" in found["notification_date"][0]
    found = problems(review_type="RAPID", notification_date=date(2025, 6, 1), signed_off_date=date(2025, 9, 1))
    assert "does not apply to a rapid review" in found["signed_off_date"][0]
    assert "only recorded for rapid reviews" in problems(notification_date=date(2025, 6, 1))["notification_date"][0]


def test_other_type_needs_a_description():
    assert "Describe the review" in problems(review_type="OTHER")["type_other_description"][0]
    assert problems(review_type="OTHER", type_other_description="Learning review") == {}


def test_unknown_type_is_refused():
    assert "not one of the listed types" in problems(review_type="SPR")["review_type"][0]


def test_blank_text_is_treated_as_missing():
    data = ReviewInput(review_type="DHR", date_added=date(2025, 1, 1), organisation_code=" 93c ", dp_initials=" ab ",
                       local_identifier="   ", themes=["CA_NEGLECT", " "]).normalised()
    assert (data.organisation_code, data.dp_initials, data.local_identifier, data.themes) == (
        "93C", "AB", None, ["CA_NEGLECT"])
