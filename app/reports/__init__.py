"""Reporting: period reports by scope, the dashboard figures, charts and the national S-CRT extract."""
