"""Benchmark: the patient-data guard on a 2,000-character overview (it runs on every field of every import row).

Run: .venv/bin/python -m bench.pii_scan_speed   (prints median and p95 over 200 scans after a warm-up)
"""

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
    """A realistic overview of about `length` characters with no patient data."""
    text = ""
    while len(text) < length:
        text += " ".join(SENTENCES) + " "
    return text[:length]


def measure(repeats: int = 200) -> dict[str, float]:
    """Median and p95 seconds per scan of a 2,000-character overview."""
    text = overview()
    scan_text(text)  # the first call loads the word lists
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        scan_text(text)
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {"median_s": statistics.median(timings), "p95_s": timings[int(len(timings) * 0.95) - 1]}


if __name__ == "__main__":
    result = measure()
    print(f"PII scan of a 2,000-character overview: median {result['median_s'] * 1000:.2f} ms, "
          f"p95 {result['p95_s'] * 1000:.2f} ms")
