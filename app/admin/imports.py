"""The import screens: upload (a dry run), the report, commit the same stored file, and the templates.

Designated professionals import for their scope, national admins for any. The commit never trusts the browser:
it re-reads the file kept server-side at upload (checked against its sha256) and runs it again (each row all or
nothing). The browser sends only the CSRF token and, for a national admin, which new partnerships to add.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.admin.base import TrackerBaseView
from app.extensions import db
from app.imports.headers import load_mapping
from app.imports.readers import ImportRefused
from app.imports.report import ImportReport
from app.imports.service import import_reviews, limits_from
from app.imports.template import template_csv, template_xlsx
from app.imports.uploads import StoredUpload, UploadMissing, UploadStore
from app.people.roles import Permission
from app.reviews.export import neutralise
from app.types import utcnow

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 1000  # rows of each table shown on the page (the CSV report has every one)
EFFECTS = {"refused": "row not imported", "to complete": "imported, to complete", "note": "imported as said"}


class UploadForm(FlaskForm):
    """The file to import, the sheet to read, and an optional mapping file."""

    file = FileField("Spreadsheet (XLSX or CSV)", validators=[FileRequired("Choose a file to upload.")])
    sheet = StringField("Sheet name (XLSX; blank for the first sheet)", validators=[Optional(), Length(max=100)])
    mapping = FileField("Mapping file (optional: CSV or JSON of your column headers to the tracker's fields)")


class CommitForm(FlaskForm):
    """The commit button (CSRF token only: the file is the one stored at upload)."""


def upload_store() -> UploadStore:
    """The uploads folder of this instance."""
    ttl = timedelta(minutes=int(current_app.config["IMPORT_UPLOAD_TTL_MINUTES"]))
    return UploadStore(Path(current_app.instance_path) / "imports", ttl=ttl)


class ImportView(TrackerBaseView):
    """Import reviews from a legacy tracker or an export of this tracker."""

    read_permission = Permission.IMPORT

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        blueprint.register_error_handler(RequestEntityTooLarge, self._too_large)
        return blueprint

    def _too_large(self, error):
        limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
        flash(f"The upload is larger than {limit:g} MB: split the file and upload the parts one by one.", "error")
        return redirect(url_for(".index"))

    def _load(self, upload_id: str) -> StoredUpload:
        try:
            return upload_store().load(upload_id, user_id=self.actor.user_id, now=utcnow())
        except UploadMissing:
            abort(404)

    def _run(self, store: UploadStore, upload: StoredUpload, *, commit: bool,
             accept: list[str] | None = None) -> ImportReport:
        mapping_bytes = store.mapping(upload)
        mapping = load_mapping(mapping_bytes) if mapping_bytes else None
        report = import_reviews(db.session, data=store.data(upload), filename=upload.filename, actor=self.actor,
                                now=utcnow(), commit=commit, limits=limits_from(current_app.config),
                                sheet=upload.sheet, mapping=mapping, accept_partnerships=accept or ())
        db.session.commit()
        return report

    @expose("/")
    def index(self):
        store = upload_store()
        return self.render("admin/imports/index.html", form=UploadForm(), actor=self.actor,
                           recent=store.recent(user_id=self.actor.user_id, now=utcnow()),
                           max_mb=current_app.config["IMPORT_MAX_BYTES"] / (1024 * 1024),
                           max_rows=current_app.config["IMPORT_MAX_ROWS"])

    @expose("/upload/", methods=("POST",))
    def upload(self):
        form = UploadForm()
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for message in errors:
                    flash(message, "error")
            return redirect(url_for(".index"))
        mapping_file = form.mapping.data
        mapping = mapping_file.read() if mapping_file and getattr(mapping_file, "filename", "") else None
        if mapping is not None:
            try:
                load_mapping(mapping)
            except ImportRefused as exc:
                flash(f"The mapping file was refused: {exc}", "error")
                return redirect(url_for(".index"))
        store = upload_store()
        upload = store.save(user_id=self.actor.user_id, data=form.file.data.read(), filename=form.file.data.filename,
                            sheet=form.sheet.data, mapping=mapping, now=utcnow())
        report = self._run(store, upload, commit=False)
        upload.dry_run = report.to_dict()
        store.update(upload)
        return redirect(url_for(".report", upload_id=upload.upload_id))

    @expose("/report/<upload_id>/")
    def report(self, upload_id: str):
        upload = self._load(upload_id)
        dry_run = ImportReport.from_dict(upload.dry_run) if upload.dry_run else None
        commit = ImportReport.from_dict(upload.commit) if upload.commit else None
        return self.render("admin/imports/report.html", upload=upload, dry_run=dry_run, commit=commit,
                           shown=commit or dry_run, limit=SHOWN, form=CommitForm(),
                           can_accept=self.actor.can(Permission.MANAGE_REFERENCE))

    @expose("/report/<upload_id>/problems.csv")
    def report_csv(self, upload_id: str):
        upload = self._load(upload_id)
        report = ImportReport.from_dict(upload.commit or upload.dry_run or {})
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["Row", "Column", "Value kind", "Effect", "Problem"])
        writer.writerows([p.row, p.column, p.kind, EFFECTS[p.severity], neutralise(p.message)]
                         for p in report.problems)
        writer.writerows([r.row, "", "", "not imported: what to do", neutralise(r.next_step)]
                         for r in report.refused_rows)
        headers = {"Content-Disposition": "attachment; filename=import-problems.csv", "Cache-Control": "no-store"}
        return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv", headers=headers)

    @expose("/commit/<upload_id>/", methods=("POST",))
    def commit(self, upload_id: str):
        upload = self._load(upload_id)
        if not CommitForm().validate_on_submit():
            abort(400)
        back = redirect(url_for(".report", upload_id=upload_id))
        if upload.committed:
            flash("This file was already imported.", "info")
            return back
        dry_run = ImportReport.from_dict(upload.dry_run) if upload.dry_run else None
        if dry_run is None or dry_run.refused or not (dry_run.importable or dry_run.new_partnerships):
            flash("There is nothing to import from this file: no row would create or update a review. Correct the "
                  "rows the report lists and upload the file again.", "error")
            return back
        offered = {p.key for p in dry_run.new_partnerships}
        accept = [k for k in request.form.getlist("accept") if k in offered] if self.actor.can(
            Permission.MANAGE_REFERENCE) else []
        store = upload_store()
        try:
            report = self._run(store, upload, commit=True, accept=accept)
        except UploadMissing as exc:
            flash(f"The file cannot be imported: {exc}. Upload it again.", "error")
            return back
        upload.commit = report.to_dict()
        if report.committed:
            store.discard_file(upload)
            refused = len(report.refused_rows)
            flash(f"Imported: {report.count('create')} reviews created, {report.count('update')} updated, "
                  f"{report.count('unchanged')} unchanged, {len(report.incomplete)} to complete"
                  + (f"; {refused} row{'s' if refused != 1 else ''} not imported (see what to do below)." if refused
                     else "."), "success")
        else:
            flash(f"Nothing was imported: {report.refused}", "error")
        store.update(upload)
        return back

    @expose("/template.csv")
    def template_csv(self):
        headers = {"Content-Disposition": "attachment; filename=review-import-template.csv"}
        return Response(template_csv(), mimetype="text/csv", headers=headers)

    @expose("/template.xlsx")
    def template_xlsx(self):
        headers = {"Content-Disposition": "attachment; filename=review-import-template.xlsx"}
        return Response(template_xlsx(db.session), mimetype=XLSX_MIME, headers=headers)
