"""A list's match count that stops counting at a cap: the cost of counting is bounded by the cap, not the data.

Flask-Admin counts every match to number the pages; at a million reviews a national list would read every row
for that number alone. Up to the cap (LIST_COUNT_CAP, default 10,000) the count is exact; beyond it the list says
"10,000+" and pages up to the cap (narrow the filters, or export, to see further).
"""

from __future__ import annotations

from sqlalchemy import func


class MatchCount(int):
    """How many rows match, shown as 'N+' when the count stopped at the cap."""

    def __new__(cls, value: int, *, capped: bool = False):
        count = super().__new__(cls, value)
        count.capped = capped
        return count

    def __str__(self) -> str:
        return f"{int(self):,}+" if self.capped else f"{int(self):,}"


class CappedCount:
    """Wraps a query of matching ids; filter/join calls pass through, scalar() counts at most `cap` + 1 rows."""

    def __init__(self, query, cap: int):
        self._query = query
        self._cap = cap

    def __getattr__(self, name):
        attribute = getattr(self._query, name)
        if not callable(attribute):
            return attribute

        def wrapped(*args, **kwargs):
            result = attribute(*args, **kwargs)
            return CappedCount(result, self._cap) if isinstance(result, type(self._query)) else result
        return wrapped

    def scalar(self) -> MatchCount:
        """The number of matches, or the cap (marked capped) when there are more."""
        limited = self._query.order_by(None).limit(self._cap + 1).subquery()
        found = self._query.session.query(func.count()).select_from(limited).scalar() or 0
        return MatchCount(self._cap, capped=True) if found > self._cap else MatchCount(found)
