"""What every admin list and details page shares: values shown as users read them, and blank filters ignored.

Flask-Admin shows booleans as Font Awesome icons (not loaded: the NHS frontend replaces Bootstrap) and dates as
ISO text with microseconds; here they read Yes / No and 3 December 2026, 14:05. The filter panel
(templates/admin/model/list.html) is a plain GET form so it works without JavaScript; the browser sends every
control, so blank ones are dropped here instead of being applied as "equals ''".
"""

from __future__ import annotations

from datetime import date, datetime

from flask import flash, request
from flask_admin.model import typefmt

from app.admin.formatting import uk_date, uk_datetime, yes_no

TYPE_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    bool: lambda view, value, name=None: yes_no(value),
    datetime: lambda view, value, name=None: uk_datetime(value),
    date: lambda view, value, name=None: uk_date(value),
    type(None): lambda view, value, name=None: "",
}


class NhsListBehaviour:
    """Mixin for a Flask-Admin ModelView: labels for values, and filter arguments with an empty value ignored."""

    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS

    def _get_list_filter_args(self):
        if not self._filters:
            return None
        filters = []
        for arg, value in request.args.items():
            if not arg.startswith("flt") or "_" not in arg or not value.strip():
                continue
            pos, key = arg[3:].split("_", 1)
            if key not in self._filter_args:
                continue
            idx, flt = self._filter_args[key]
            if flt.validate(value):
                filters.append((pos, (idx, str(flt.name), value)))
            else:
                flash(self.get_invalid_value_msg(value, flt), "error")
        return [v[1] for v in sorted(filters, key=lambda n: n[0])]
