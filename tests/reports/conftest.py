"""Fixtures of the reporting tests."""

from __future__ import annotations

import pytest

from tests.reports import dataset


@pytest.fixture
def reviews(session):
    """The hand-computed reporting data set (tests/reports/dataset.py), by name."""
    return dataset.build(session)
