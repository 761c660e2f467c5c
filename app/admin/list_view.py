"""List behaviour shared by every admin list: a filter left blank in the filter panel is no filter.

The filter panel (templates/admin/model/list.html) is a plain GET form so it works without JavaScript; the
browser sends every control, so blank ones are dropped here instead of being applied as "equals ''".
"""

from __future__ import annotations

from flask import flash, request


class BlankFiltersIgnored:
    """Mixin for a Flask-Admin ModelView: filter arguments with an empty value are ignored."""

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
