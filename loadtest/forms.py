"""Reading HTML forms the way a browser submits them (the locust users fill in the tracker's real forms)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Form:
    """One <form>: where it posts and the (name, value) pairs a browser would send (submit buttons left out)."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    form_id: str = ""

    def replace(self, name: str, value: str) -> list[tuple[str, str]]:
        """The fields with `name` set to `value` (added when the form has no such field)."""
        pairs = [(k, v) for k, v in self.fields if k != name]
        return [*pairs, (name, value)]

    def get(self, name: str) -> str | None:
        """The first value of a field, or None."""
        return next((v for k, v in self.fields if k == name), None)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None  # name, multiple, options [(value, selected)], current option value
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                              form_id=a.get("id", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
                return
            self._form.fields.append((name, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._close_select()
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            if text.startswith("\n"):  # a browser drops the newline right after <textarea>
                text = text[1:]
            if self._form is not None:
                self._form.fields.append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _close_select(self) -> None:
        select, self._select, self._option = self._select, None, None
        options = [(o["value"] if o["value"] is not None else o["text"].strip(), o["selected"])
                   for o in select["options"]]
        chosen = [value for value, selected in options if selected]
        if not chosen and options and not select["multiple"]:
            chosen = [options[0][0]]  # a single select with nothing selected sends its first option
        if self._form is not None:
            self._form.fields.extend((select["name"], value) for value in chosen)


def parse_forms(html: str) -> list[Form]:
    """Every form of a page with the values a browser would submit."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with_field(html: str, name: str) -> Form | None:
    """The first form that has a field called `name` (e.g. the review form's `version`)."""
    return next((f for f in parse_forms(html) if f.get(name) is not None), None)


def csrf_token(html: str) -> str | None:
    """The first CSRF token of a page."""
    match = CSRF.search(html)
    return match.group(1) if match else None
