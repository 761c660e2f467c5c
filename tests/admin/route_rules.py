"""Who may call what: one access rule for EVERY route in the app's URL map (tests/admin/test_route_matrix.py).

A route without a rule here fails `test_every_route_has_a_rule`: when you add a route, add its rule.

    RULES["reports.index"] = Rule(P.REPORTS)                          # roles with the permission; others 403
    RULES["reports.export"] = Rule(P.EXPORT, sample="/reports/export/csv/?period=2025-Q1")
    RULES["imports.upload"] = Rule(P.IMPORT)                          # a POST-only route: refused roles get 403
    PREFIX_RULES["outbox."] = Rule(P.MANAGE_OUTBOX)                   # every endpoint of one Flask-Admin view

Access kinds: PUBLIC (anyone, e.g. the sign-in form, static files), SIGN_IN_FLOW (the second step of signing in:
anonymous by design, guarded by the sign-in state in the session), SIGNED_IN (any active user), NOBODY (no role:
the screen exists but refuses every write, e.g. the audit trail's edit), or a Permission (people.roles decides).
`sample` is the URL the matrix calls (default: the rule itself; needed when the path has <parameters>).
Record-level scoping (another organisation's review id) is checked per review endpoint in test_access_matrix.py;
`foreign` lets a new route join that check: a URL with {id} (a review outside the caller's scope) and
{identifier} (its local identifier), which must answer 403/404 or leave the identifier out of the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.people.roles import Permission as P

PUBLIC = "public"
SIGN_IN_FLOW = "sign_in_flow"
SIGNED_IN = "signed_in"
NOBODY = "nobody"


@dataclass(frozen=True)
class Rule:
    """Who may call a route; how the matrix calls it."""

    access: str | P
    sample: str | None = None
    foreign: str | None = None
    note: str = ""
    may_be_unavailable: bool = False  # 503 is a correct answer (a health check while Redis is not running)


RULES: dict[str, Rule] = {
    # --- public
    "home": Rule(PUBLIC, note="redirects to the admin, which asks for sign-in"),
    "healthz": Rule(PUBLIC, note="database and Redis reachable? No data, no sign-in", may_be_unavailable=True),
    "static": Rule(PUBLIC, sample="/static/tracker.css"),
    "admin.static": Rule(PUBLIC, sample="/admin/static/admin/js/helpers.js"),
    "security.static": Rule(PUBLIC, sample="/fs-static/js/webauthn.js"),
    "security.login": Rule(PUBLIC),
    "security.forgot_password": Rule(PUBLIC),
    "security.reset_password": Rule(PUBLIC, sample="/reset/not-a-valid-token"),
    "security.change_email_confirm": Rule(PUBLIC, sample="/change-email/not-a-valid-token",
                                          note="emailed link: the signed, expiring token is the authority"),
    # --- the second step of signing in (state in the session from a correct password)
    "security.two_factor_token_validation": Rule(SIGN_IN_FLOW),
    "security.two_factor_rescue": Rule(SIGN_IN_FLOW),
    "security.tf_select": Rule(SIGN_IN_FLOW),
    "security.mf_recovery": Rule(SIGN_IN_FLOW),
    "security.wan_signin": Rule(SIGN_IN_FLOW),
    "security.wan_signin_response": Rule(SIGN_IN_FLOW, sample="/wan-signin/not-a-valid-token"),
    # --- any signed-in user: their own account
    "security.logout": Rule(SIGNED_IN),
    "security.verify": Rule(SIGNED_IN),
    "security.change_password": Rule(SIGNED_IN),
    "security.change_email": Rule(SIGNED_IN),
    "security.two_factor_setup": Rule(SIGNED_IN),
    "security.two_factor_setup_validate": Rule(SIGNED_IN, sample="/tf-setup/not-a-valid-token"),
    "security.mf_recovery_codes": Rule(SIGNED_IN),
    "security.wan_register": Rule(SIGNED_IN),
    "security.wan_register_response": Rule(SIGNED_IN, sample="/wan-register/not-a-valid-token"),
    "security.wan_delete": Rule(SIGNED_IN),
    "admin.index": Rule(SIGNED_IN),
    "admin.chart": Rule(SIGNED_IN, sample="/admin/chart/trend.svg", note="the dashboard's charts: own scope only"),
    # --- reports (a report's area must lie inside the caller's scope: test_access_matrix report tests)
    "reports.index": Rule(P.REPORTS, foreign="/admin/reports/?period=FY2025"),
    "reports.download": Rule(P.REPORTS, sample="/admin/reports/download/flow.csv",
                             foreign="/admin/reports/download/learning.csv?period=FY2025"),
    "reports.chart": Rule(P.REPORTS, sample="/admin/reports/chart/flow.svg"),
    "reports.extract": Rule(P.EXPORT, sample="/admin/reports/extract.csv",
                            foreign="/admin/reports/extract.csv?period=FY2025"),
    # --- reviews (record scoping: test_access_matrix.review_calls)
    "review.index_view": Rule(P.READ_REVIEWS, foreign="/admin/review/?search={identifier}"),
    "review.details_view": Rule(P.READ_REVIEWS, sample="/admin/review/details/?id={id}",
                                foreign="/admin/review/details/?id={id}"),
    "review.export": Rule(P.EXPORT, sample="/admin/review/export/csv/",
                          foreign="/admin/review/export/csv/?search={identifier}"),
    "review.ajax_lookup": Rule(P.READ_REVIEWS, sample="/admin/review/ajax/lookup/?name=organisation&query=a"),
    "review.create_view": Rule(P.EDIT_REVIEWS),
    "review.edit_view": Rule(P.EDIT_REVIEWS, sample="/admin/review/edit/?id={id}",
                             foreign="/admin/review/edit/?id={id}"),
    "review.ajax_update": Rule(P.EDIT_REVIEWS),
    "review.decide_view": Rule(P.EDIT_REVIEWS),
    "review.link_view": Rule(P.EDIT_REVIEWS),
    "review.unlink_view": Rule(P.EDIT_REVIEWS),
    "review.close_view": Rule(P.EDIT_REVIEWS),
    "review.add_update_view": Rule(P.POST_UPDATES),
    "review.reopen_view": Rule(P.REOPEN_REVIEWS),
    "review.snooze_view": Rule(P.SNOOZE_REMINDERS),
    "review.delete_view": Rule(P.DELETE_REVIEWS),
    "review.action_view": Rule(NOBODY, note="no bulk actions: a review is deleted from its own page only"),
    "review.add_recommendation_view": Rule(P.EDIT_REVIEWS),
    "review.update_recommendation_view": Rule(P.EDIT_REVIEWS),
    # --- import (designated professionals for their scope, national admins for any)
    "imports.index": Rule(P.IMPORT),
    "imports.upload": Rule(P.IMPORT),
    "imports.commit": Rule(P.IMPORT, sample="/admin/import/commit/not-an-upload/"),
    "imports.report": Rule(P.IMPORT, sample="/admin/import/report/not-an-upload/"),
    "imports.report_csv": Rule(P.IMPORT, sample="/admin/import/report/not-an-upload/problems.csv"),
    "imports.template_csv": Rule(P.IMPORT),
    "imports.template_xlsx": Rule(P.IMPORT),
    # --- everyone's own profile (digest choice)
    "profile.index": Rule(SIGNED_IN),
    "profile.digests": Rule(SIGNED_IN),
    # --- the outbox is read-only except "retry a failed email"
    "outbox.create_view": Rule(NOBODY),
    "outbox.edit_view": Rule(NOBODY, sample="/admin/outbox/edit/?id=1"),
    "outbox.delete_view": Rule(NOBODY),
    "outbox.ajax_update": Rule(NOBODY),
    "outbox.action_view": Rule(NOBODY),
    # --- screens that refuse writes to everyone (the audit trail is append-only; users are never deleted)
    "audit.create_view": Rule(NOBODY),
    "audit.edit_view": Rule(NOBODY, sample="/admin/audit/edit/?id=1"),
    "audit.delete_view": Rule(NOBODY),
    "audit.ajax_update": Rule(NOBODY),
    "users.delete_view": Rule(NOBODY),
    "region.create_view": Rule(NOBODY),
    "region.edit_view": Rule(NOBODY, sample="/admin/region/edit/?id=Y56"),
    "icb.create_view": Rule(NOBODY),
    "icb.edit_view": Rule(NOBODY, sample="/admin/icb/edit/?id=QMJ"),
    "location.create_view": Rule(NOBODY),
    "location.edit_view": Rule(NOBODY, sample="/admin/location/edit/?id=93C"),
    **{f"{view}.delete_view": Rule(NOBODY) for view in ("partnership", "theme", "region", "icb", "location")},
}

# Every endpoint of one admin view (exact RULES win). Only for national-only views generated by Flask-Admin.
PREFIX_RULES: dict[str, Rule] = {
    "users.": Rule(P.MANAGE_USERS),
    "audit.": Rule(P.READ_AUDIT),
    "partnership.": Rule(P.MANAGE_REFERENCE),
    "theme.": Rule(P.MANAGE_REFERENCE),
    "region.": Rule(P.MANAGE_REFERENCE),
    "icb.": Rule(P.MANAGE_REFERENCE),
    "location.": Rule(P.MANAGE_REFERENCE),
    "mailcatcher.": Rule(P.MANAGE_OUTBOX, note="development only (MAIL_CATCHER_DIR)"),
    "outbox.": Rule(P.MANAGE_OUTBOX),
}

# Samples for the generated endpoints of national-only admin views.
GENERATED_SAMPLES = {"details_view": "details/?id={pk}", "edit_view": "edit/?id={pk}", "export": "export/csv/",
                     "ajax_lookup": "ajax/lookup/?name=x&query=a"}
VIEW_PKS = {"users": "1", "audit": "1", "partnership": "1", "theme": "CA_NEGLECT", "region": "Y56", "icb": "QMJ",
            "location": "93C", "mailcatcher": "", "outbox": "1"}


def rule_for(endpoint: str) -> Rule | None:
    """The rule of an endpoint (exact first, then by view prefix), or None when it has none."""
    if endpoint in RULES:
        return RULES[endpoint]
    return next((rule for prefix, rule in PREFIX_RULES.items() if endpoint.startswith(prefix)), None)
