"""Reference data screens (national admins): partnerships and themes are managed; the hierarchy is read-only."""

from __future__ import annotations

from flask_admin.contrib.sqla import filters as sqla_filters
from sqlalchemy import inspect
from wtforms import SelectField
from wtforms.validators import DataRequired, Length

from app.admin.base import ScopedModelView
from app.audit.service import pending_changes, record
from app.extensions import db
from app.orgs.models import IntegratedCareBoard, Partnership, Region, SubIcbLocation, Theme
from app.people.roles import Permission
from app.types import utcnow


class _ReferenceView(ScopedModelView):
    read_permission = Permission.MANAGE_REFERENCE
    write_permission = Permission.MANAGE_REFERENCE
    delete_permission = None  # reference rows are retired (inactive), never deleted

    def on_model_change(self, form, model, is_created):
        record(db.session, action=f"{model.__tablename__}.{'create' if is_created else 'edit'}", actor=self.actor,
               now=utcnow(), entity=model.__tablename__, entity_id=inspect(model).identity or None,
               changes=pending_changes(model))


class PartnershipView(_ReferenceView):
    """The managed list of safeguarding partnerships, boards and community safety partnerships."""

    column_list = ["name", "kind", "icb", "active"]
    column_labels = {"kind": "Type", "icb": "ICB area", "name": "Name", "active": "Active"}
    column_searchable_list = ["name"]
    column_filters = [sqla_filters.FilterEqual(Partnership.kind, "Type", options=list(Partnership.KINDS.items())),
                      sqla_filters.BooleanEqualFilter(Partnership.active, "Active")]
    form_columns = ["name", "kind", "icb", "active"]
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": list(Partnership.KINDS.items()), "label": "Type"},
                 "name": {"validators": [DataRequired(), Length(max=200)]}}
    column_formatters = {"kind": lambda v, c, m, n: Partnership.KINDS.get(m.kind, m.kind)}

    def __init__(self, session, **kwargs):
        super().__init__(Partnership, session, name="Partnerships", endpoint="partnership", **kwargs)


class ThemeView(_ReferenceView):
    """The managed abuse / vulnerability theme list."""

    column_list = ["code", "label", "applies_to", "active"]
    column_labels = {"code": "Code", "label": "Label", "applies_to": "Applies to", "source": "Source",
                     "active": "Active"}
    column_searchable_list = ["code", "label"]
    form_columns = ["code", "label", "applies_to", "source", "active"]
    form_args = {"code": {"validators": [DataRequired(), Length(max=40)]},
                 "label": {"validators": [DataRequired(), Length(max=200)]}}

    def __init__(self, session, **kwargs):
        super().__init__(Theme, session, name="Themes", endpoint="theme", **kwargs)

    def on_form_prefill(self, form, id):
        form.code.render_kw = {"readonly": True}

    def on_model_change(self, form, model, is_created):
        if not is_created and form.code.object_data and model.code != form.code.object_data:
            raise ValueError("A theme's code cannot change: reviews refer to it.")
        super().on_model_change(form, model, is_created)


class _ReadOnlyReference(ScopedModelView):
    read_permission = Permission.MANAGE_REFERENCE
    write_permission = None
    delete_permission = None
    column_display_pk = True


class RegionView(_ReadOnlyReference):
    """NHS England regions (newest vintage)."""

    column_list = ["code", "name", "ons_code"]
    column_labels = {"code": "ODS code", "name": "Name", "ons_code": "ONS code"}

    def __init__(self, session, **kwargs):
        super().__init__(Region, session, name="Regions", endpoint="region", **kwargs)


class IcbView(_ReadOnlyReference):
    """Integrated care boards (newest vintage)."""

    column_list = ["code", "name", "ons_code", "region"]
    column_labels = {"code": "ODS code", "name": "Name", "ons_code": "ONS code", "region": "Region"}
    column_searchable_list = ["code", "name"]

    def __init__(self, session, **kwargs):
        super().__init__(IntegratedCareBoard, session, name="ICBs", endpoint="icb", **kwargs)


class LocationView(_ReadOnlyReference):
    """Sub-ICB locations (newest vintage), with their history per vintage on the details page."""

    column_list = ["code", "name", "ons_code", "icb"]
    column_labels = {"code": "ODS code", "name": "Name", "ons_code": "ONS code", "icb": "ICB"}
    column_searchable_list = ["code", "name"]

    def __init__(self, session, **kwargs):
        super().__init__(SubIcbLocation, session, name="Sub-ICB locations", endpoint="location", **kwargs)

