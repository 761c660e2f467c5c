"""The reviews list counts matches up to LIST_COUNT_CAP and then says 'N+', paging up to the cap."""

import re

from tests.support.reviews import make_review
from tests.support.web import sign_in


def _tab(html: str) -> str:
    return re.search(r'id="list-count">([^ <]*) found', html).group(1)


def test_count_is_exact_up_to_the_cap_then_marked(app, client, session):
    for n in range(4):
        make_review(session, local_identifier=f"CAP-{n}")
    sign_in(client, "dp_ncl")
    app.config["LIST_COUNT_CAP"] = 10
    assert _tab(client.get("/admin/review/?search=CAP-").get_data(as_text=True)) == "4"
    app.config["LIST_COUNT_CAP"] = 3
    html = client.get("/admin/review/?search=CAP-").get_data(as_text=True)
    assert _tab(html) == "3+"
    assert html.count("CAP-") >= 4  # the page still lists every row it holds; only the count stops
    filtered = client.get("/admin/review/?search=CAP-&flt1_status_equals=closed").get_data(as_text=True)
    assert 'id="list-count"' not in filtered or _tab(filtered) == "0"
