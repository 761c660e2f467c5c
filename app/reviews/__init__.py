"""The review record, its update timeline, lifecycle rules, clocks and services."""
