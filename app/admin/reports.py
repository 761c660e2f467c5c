"""The reports page: choose a period, an area within your scope and a geography mode; tables, charts, files."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, request, stream_with_context
from flask_admin import expose

from app.admin.base import TrackerBaseView, tracker_today
from app.admin.exports import XLSX_MIME
from app.admin.period_picker import period_code, period_picker
from app.extensions import db
from app.people.roles import Permission
from app.reports import extract as scrt
from app.reports import extract_files
from app.reports.charts import FORMATS as CHART_FORMATS
from app.reports.charts import render
from app.reports.files import table_csv, tables_xlsx
from app.reports.periods import QUARTER, last_complete
from app.reports.report_charts import REPORT_CHARTS, report_chart
from app.reports.request import (
    Geography,
    ReportRefused,
    ReportRequest,
    default_as_at,
    prepare_request,
    scope_choices,
)
from app.reports.returns import can_sign_off
from app.reports.service import TABLE_KEYS, build_report, build_table, record_download
from app.reports.tables import generated_line, preamble
from app.types import utcnow

FILE_FORMATS = {"csv": "text/csv", "xlsx": XLSX_MIME}
EXTRACT_FORMATS = {**FILE_FORMATS, "zip": "application/zip"}



def _stream(handle):
    with handle:
        while block := handle.read(64 * 1024):
            yield block


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"}


class ReportsView(TrackerBaseView):
    """Period reports for any area within the user's scope, with CSV/XLSX tables, charts and the S-CRT extract."""

    read_permission = Permission.REPORTS

    def _settings(self) -> dict:
        return current_app.config["REPORTS"]

    def _request(self, today: date) -> ReportRequest:
        args = request.args
        period = args.get("period") or period_code(args) or last_complete(QUARTER, today).code
        return prepare_request(db.session, actor=self.actor, period=period, scope_code=args.get("scope"),
                               geography=args.get("geography"), today=today, as_at=args.get("as_at"))

    def _checked(self) -> ReportRequest:
        try:
            return self._request(tracker_today())
        except ReportRefused as exc:
            abort(Response(str(exc), status=exc.status, mimetype="text/plain"))

    def _since(self) -> date:
        return date.fromisoformat(self._settings().get("periods_from", "2021-04-01"))

    @expose("/")
    def index(self):
        """The form, and the report it asks for (the last complete quarter of your scope by default)."""
        today = tracker_today()
        report, error, status = None, None, 200
        try:
            checked = self._request(today)
            report = build_report(db.session, checked, clocks=current_app.config["CLOCKS"],
                                  settings=self._settings(), now=utcnow(), page=True)
        except ReportRefused as exc:
            checked, error, status = None, str(exc), exc.status
        period = request.args.get("period") or period_code(request.args) or last_complete(QUARTER, today).code
        chosen = {"period": period,
                  "scope": (request.args.get("scope") or self.actor.scope.code).strip().upper(),
                  "geography": request.args.get("geography") or Geography.RECORDED.value,
                  "as_at": request.args.get("as_at") or ""}
        if checked is not None:
            chosen = checked.query_string
            if checked.as_at == default_as_at(checked.period, today):
                chosen = {**chosen, "as_at": ""}  # the default: the form leaves it blank
        lines = [*preamble(checked), generated_line(report.generated_at, by=self.actor.email)] if report else []
        body = self.render(
            "admin/reports/index.html", report=report, error=error, chosen=chosen, actor=self.actor,
            picker=period_picker(today, chosen["period"], since=self._since()),
            scopes=scope_choices(db.session, self.actor.scope), geographies=list(Geography), today=today,
            lines=lines, charts=REPORT_CHARTS, table_keys=TABLE_KEYS, chart_alts=self._alts(report),
            can_extract=self.actor.can(Permission.EXPORT),
            can_sign_off=checked is not None and can_sign_off(self.actor, checked))
        return body, status

    @staticmethod
    def _alts(report) -> dict[str, str]:
        if report is None:
            return {}
        return {name: report_chart(name, report[table], report.request).alt_text
                for name, (table, _) in REPORT_CHARTS.items()}

    @expose("/download/<key>.<file_format>")
    def download(self, key: str, file_format: str):
        """One table (or all of them: key 'all', XLSX) as a file; audited."""
        if file_format not in FILE_FORMATS or (key not in TABLE_KEYS and key != "all") or (
                key == "all" and file_format != "xlsx"):
            abort(404)
        checked = self._checked()
        now = utcnow()
        settings, clocks = self._settings(), current_app.config["CLOCKS"]
        keys = TABLE_KEYS if key == "all" else (key,)
        tables = [build_table(db.session, checked, k, clocks=clocks, settings=settings) for k in keys]
        lines = preamble(checked)
        record_download(db.session, actor=self.actor, now=now, request=checked,
                        what="all tables" if key == "all" else key, file_format=file_format,
                        rows=sum(len(t.rows) for t in tables))
        db.session.commit()
        filename = f"report-{key}-{checked.slug}.{file_format}"
        if file_format == "csv":
            return Response(table_csv(tables[0], lines), mimetype="text/csv", headers=_attachment(filename))
        return Response(_stream(tables_xlsx(tables, lines, day=checked.as_at)), mimetype=XLSX_MIME,
                        headers=_attachment(filename))

    @expose("/chart/<chart>.<file_format>")
    def chart(self, chart: str, file_format: str):
        """A chart as SVG or PNG; with ?download=1 as an audited attachment."""
        name = chart
        if name not in REPORT_CHARTS or file_format not in CHART_FORMATS:
            abort(404)
        checked = self._checked()
        table = build_table(db.session, checked, REPORT_CHARTS[name][0], clocks=current_app.config["CLOCKS"],
                            settings=self._settings())
        image = render(report_chart(name, table, checked), file_format)
        headers = {"Cache-Control": "no-store"}
        if request.args.get("download"):
            record_download(db.session, actor=self.actor, now=utcnow(), request=checked, what=f"chart {name}",
                            file_format=file_format)
            db.session.commit()
            headers = _attachment(f"chart-{name}-{checked.slug}.{file_format}")
        return Response(image, mimetype=CHART_FORMATS[file_format], headers=headers)

    @expose("/extract.<file_format>")
    def extract(self, file_format: str):
        """The national S-CRT extract as CSV (header on line 1, streamed), ZIP (the CSV and about.csv) or XLSX;
        audited."""
        if file_format not in EXTRACT_FORMATS:
            abort(404)
        if not self.actor.can(Permission.EXPORT):
            abort(403)
        checked = self._checked()
        session, now, mapping = db.session, utcnow(), current_app.config["SCRT_EXTRACT"]
        clocks = current_app.config["CLOCKS"]
        rows = scrt.count_rows(session, checked)
        record_download(session, actor=self.actor, now=now, request=checked, what="scrt-extract",
                        file_format=file_format, rows=rows, action="report.extract")
        session.commit()
        lines = extract_files.about_lines(preamble(checked), rows)
        filename = extract_files.extract_filename(checked, file_format)
        if file_format == "csv":
            chunks = extract_files.csv_chunks(scrt.extract_rows(session, checked, mapping, clocks=clocks), mapping)
            return Response(stream_with_context(chunks), mimetype="text/csv", headers=_attachment(filename))
        if file_format == "zip":
            return Response(extract_files.extract_zip(session, checked, mapping, lines, clocks=clocks),
                            mimetype=EXTRACT_FORMATS["zip"], headers=_attachment(filename))
        handle = extract_files.extract_xlsx(session, checked, mapping, lines, clocks=clocks)
        return Response(_stream(handle), mimetype=XLSX_MIME, headers=_attachment(filename))
