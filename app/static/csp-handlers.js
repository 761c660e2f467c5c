// Behaviour that Flask-Admin wrote as inline handlers, moved here because the Content-Security-Policy refuses
// inline script (docs/SECURITY.md). Loaded by templates/admin/tracker_base.html.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    // Links used only as JavaScript hooks ("javascript:void(0)") must not navigate: the CSP would refuse it.
    var hook = target.closest('a[href^="javascript:"]');
    if (hook) { event.preventDefault(); }
    // Bulk actions ("With selected" menu).
    var action = target.closest("[data-fa-action]");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action.getAttribute("data-fa-action"));
      return;
    }
    // Buttons that need a confirmation (delete a record, reset a user's two-factor).
    var confirmable = target.closest("[data-confirm]");
    if (confirmable && !window.confirm(confirmable.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  }, true);
})();
