"""Reporting knobs: page sizes and chart spans. The S-CRT extract's mapping is in config/scrt.py."""

REPORTS: dict = {
    # The period drop-down offers months, quarters and financial years from this day on (S-CRT went live for
    # cases from 1 April 2021); any other period can still be asked for by its code in the address.
    "periods_from": "2021-04-01",
    # The reports page lists this many reviews in the learning table; the CSV/XLSX downloads hold all of them.
    "learning_rows_on_page": 100,
    # Months shown by the open-reviews trend (report and dashboard).
    "trend_months": 12,
    # Themes shown on the dashboard.
    "dashboard_top_themes": 10,
}
