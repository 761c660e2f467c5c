"""The ``pii check`` command: output lines, exit codes, and no echo of the value."""

from __future__ import annotations

import click
from click.testing import CliRunner

from app.privacy.cli import pii_cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(pii_cli, list(args))
    return result.exit_code, result.output


def test_pii_cli_is_a_plain_click_group_named_pii() -> None:
    assert type(pii_cli) is click.Group
    assert pii_cli.name == "pii"
    assert "check" in pii_cli.commands


def test_findings_are_printed_as_kind_and_description_with_exit_code_1() -> None:
    code, output = run("check", "NHS 943 476 5919, DOB 03/04/1990")
    assert code == 1
    assert output.splitlines() == ["nhs_number: an NHS number", "date_of_birth: a date of birth"]
    assert "943" not in output and "1990" not in output


def test_clean_text_exits_0_and_says_clean() -> None:
    code, output = run("check", "SAR/NCL/2022/004", "--identifier")
    assert code == 0
    assert output.strip() == "clean: no patient identifiable data found"


def test_identifier_flag_makes_name_checks_strict() -> None:
    assert run("check", "jons") == (0, "clean: no patient identifiable data found\n")
    code, output = run("check", "jons", "--identifier")
    assert code == 1
    assert output == "name: what looks like a person's name\n"
    assert "jon" not in output.lower().replace("person", "")


def test_missing_text_is_a_usage_error() -> None:
    code, output = run("check")
    assert code == 2
    assert "Missing argument" in output
