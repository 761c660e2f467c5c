// Starts the NHS.UK frontend components (header menu, error summary focus, skip link, details, radios) and
// the tracker's own progressive enhancements. Loaded as a module by templates/nhsuk/page.html; everything here
// is optional: every page works without JavaScript.
import { initAll } from "./nhsuk/nhsuk-frontend.min.js";

// What the NHS page template does with an inline script, done here: the CSP allows no inline script.
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");

initAll();

// The review form: show only the sections and fields the chosen type needs (app/admin/review_form.py marks each
// with data-types). Without JavaScript the server renders the form for the type in the URL (?review_type=...).
function showFieldsForType(select) {
  const form = select.form;
  const chosen = select.value;
  form.querySelectorAll("[data-types]").forEach((element) => {
    const types = element.getAttribute("data-types").split(" ");
    const shown = !chosen || types.includes(chosen);
    element.hidden = !shown;
    element.querySelectorAll("input, select, textarea").forEach((control) => { control.disabled = !shown; });
  });
  const button = form.querySelector("[data-type-continue]");
  if (button) { button.hidden = true; }
}

document.querySelectorAll("select[data-type-switch]").forEach((select) => {
  showFieldsForType(select);
  select.addEventListener("change", () => showFieldsForType(select));
});

// Radios that reveal their own follow-up questions (the report period pickers): only the chosen one's are shown.
document.querySelectorAll("[data-reveal]").forEach((group) => {
  const radios = group.querySelectorAll("input[type=radio][data-reveals]");
  const sync = () => radios.forEach((radio) => {
    const target = document.getElementById(radio.getAttribute("data-reveals"));
    if (target) { target.hidden = !radio.checked; }
  });
  radios.forEach((radio) => radio.addEventListener("change", sync));
  sync();
});
