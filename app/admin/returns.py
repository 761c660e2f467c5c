"""Period returns: the signed-off returns in the user's scope; one return beside today's figures; sign-off (national
admins) from the report page. Every rule is in app/reports/returns.py."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose

from app.admin.base import TrackerBaseView
from app.admin.exports import XLSX_MIME
from app.extensions import db
from app.people.actor import NotAllowed
from app.people.roles import Permission
from app.reports import extract_files
from app.reports.periods import parse_period
from app.reports.request import ReportRefused, prepare_request
from app.reports.returns import (
    ReturnNotFound,
    ReturnRefused,
    area_labels,
    compare,
    load_return,
    recompute_request,
    sign_off,
    visible_returns,
)
from app.reports.service import record_download
from app.reports.tables import tables_from_json
from app.timezone import london_time, london_today
from app.types import utcnow

FILES = {"csv": "text/csv", "xlsx": XLSX_MIME, "zip": "application/zip"}


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"}


class ReturnsView(TrackerBaseView):
    """The returns signed off for areas within your scope; national admins sign them off from the report page."""

    read_permission = Permission.REPORTS

    def _config(self) -> tuple[dict, dict, dict]:
        config = current_app.config
        return config["CLOCKS"], config["REPORTS"], config["SCRT_EXTRACT"]

    def _load(self, return_id: int):
        try:
            return load_return(db.session, return_id, self.actor)
        except ReturnNotFound:
            abort(404)

    @expose("/")
    def index(self):
        """Every return in your scope, newest first."""
        found = visible_returns(db.session, self.actor)
        labels = {r.id: parse_period(r.period_code).label for r in found}
        return self.render("admin/returns/index.html", returns=found, period_labels=labels,
                           areas=area_labels(db.session, found), signed_at={r.id: london_time(r.signed_off_at)
                                                                            for r in found},
                           can_sign_off=self.actor.can(Permission.SIGN_OFF_RETURNS))

    @expose("/sign-off", methods=["POST"])
    def sign_off(self):
        """Sign off the report named in the form as its period's return (national admins; audited)."""
        if not self.actor.can(Permission.SIGN_OFF_RETURNS):
            abort(Response("Not allowed: only a national admin can sign off a period's return.", status=403,
                           mimetype="text/plain"))
        form, now = request.form, utcnow()
        back = url_for("reports.index", **{k: form.get(k, "") for k in ("period", "scope", "geography", "as_at")})
        clocks, settings, mapping = self._config()
        try:
            checked = prepare_request(db.session, actor=self.actor, period=form.get("period"),
                                      scope_code=form.get("scope"), geography=form.get("geography"),
                                      today=london_today(now), as_at=form.get("as_at") or None)
            signed = sign_off(db.session, request=checked, actor=self.actor, now=now, note=form.get("note"),
                              clocks=clocks, settings=settings, mapping=mapping)
        except NotAllowed as exc:
            db.session.rollback()
            abort(Response(f"Not allowed: {exc}.", status=403, mimetype="text/plain"))
        except (ReportRefused, ReturnRefused) as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back)
        db.session.commit()
        flash(f"Return signed off: {checked.period.label}, {checked.scope.label} (revision {signed.revision}).",
              "success")
        return redirect(url_for(".details", return_id=signed.id))

    @expose("/<int:return_id>/")
    def details(self, return_id: int):
        """The return as sent, beside the same figures recomputed today, and what changed since and why."""
        signed = self._load(return_id)
        clocks, settings, mapping = self._config()
        comparison = compare(db.session, signed, now=utcnow(), clocks=clocks, settings=settings, mapping=mapping)
        _tables, extra = tables_from_json(signed.figures)
        return self.render("admin/returns/details.html", signed=signed, comparison=comparison,
                           period=parse_period(signed.period_code), lines=extra.get("preamble", []),
                           area=area_labels(db.session, [signed])[signed.scope_code],
                           signed_at=london_time(signed.signed_off_at),
                           can_download=self.actor.can(Permission.EXPORT))

    @expose("/<int:return_id>/extract.<file_format>")
    def extract(self, return_id: int, file_format: str):
        """The extract exactly as signed off (CSV, XLSX, or the CSV with its about.csv as ZIP); audited."""
        if file_format not in FILES:
            abort(404)
        if not self.actor.can(Permission.EXPORT):
            abort(403)
        signed = self._load(return_id)
        checked = recompute_request(db.session, signed, today=london_today(utcnow()), as_at=signed.as_at)
        name = extract_files.extract_filename(checked, file_format).replace("scrt-extract-", "scrt-return-", 1)
        if file_format == "csv":
            body = signed.extract_csv
        elif file_format == "xlsx":
            body = signed.extract_xlsx
        else:
            _tables, extra = tables_from_json(signed.figures)
            body = extract_files.zip_file(name.replace(".zip", ".csv"), signed.extract_csv.decode("utf-8"),
                                          [tuple(line) for line in extra.get("about", [])], day=signed.as_at)
        record_download(db.session, actor=self.actor, now=utcnow(), request=checked,
                        what=f"signed-off return {signed.id}", file_format=file_format, rows=signed.extract_rows,
                        action="report.extract")
        db.session.commit()
        return Response(body, mimetype=FILES[file_format], headers=_attachment(name))
