"""scan_text must stay cheap: it runs on every field of every imported row."""

from __future__ import annotations

import statistics
import time

from app.privacy import scan_text

SENTENCES = [
    "Following the death of Adult D, the Safeguarding Adults Board commissioned a SAR under section 44.",
    "Agencies did not share information about self-neglect, hoarding and the risk of fire.",
    "The GP, the Police and Adult Social Care were aware of repeated falls between 2019 and 2021.",
    "Learning: practitioners should Think Family and record the voice of the adult.",
    "NHS North Central London ICB and the Royal Free London NHS Foundation Trust contributed.",
    "A Rapid Review was held on 14/07/2023 and the Panel agreed that a local CSPR was needed.",
]


def overview(length: int = 2000) -> str:
    text = ""
    while len(text) < length:
        text += " ".join(SENTENCES) + " "
    return text[:length]


def test_a_2000_character_overview_scans_well_under_5_ms() -> None:
    text = overview()
    scan_text(text)  # the first call loads the word lists
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        scan_text(text)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.005
