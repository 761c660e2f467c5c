"""The vendored front-end assets load nothing from outside the site (the CSP allows 'self' only) and carry their
licences and a SOURCES note naming the version that is really there."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NHSUK = REPO / "app" / "static" / "nhsuk"
AXE = Path(__file__).parent / "vendor"


def test_the_nhs_stylesheet_and_script_point_only_inside_the_site():
    css = (NHSUK / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    js = (NHSUK / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    assert "@font-face" not in css  # the Frutiger web font comes from the NHS CDN: removed
    urls = set(re.findall(r"url\(([^)]*)\)", css))
    assert urls and all(u.strip("'\"").startswith("images/") for u in urls), urls
    assert all((NHSUK / u.strip("'\"")).is_file() for u in urls)
    assert "sourceMappingURL" not in css + js
    assert not re.search(r"""(?:import|from)\s*\(?\s*["'](?:https?:)?//""", js)  # no module fetched from a host


def test_licences_and_sources_name_the_vendored_versions():
    css = (NHSUK / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    version = re.search(r'--nhsuk-frontend-version:"([\d.]+)"', css).group(1)
    assert f"**{version}**" in (NHSUK / "SOURCES.md").read_text(encoding="utf-8")
    assert "MIT" in (NHSUK / "LICENCE").read_text(encoding="utf-8")
    axe_version = re.match(r"/\*! axe v([\d.]+)", (AXE / "axe.min.js").read_text(encoding="utf-8")).group(1)
    assert f"**{axe_version}**" in (AXE / "SOURCES.md").read_text(encoding="utf-8")
    assert "Mozilla Public License" in (AXE / "LICENSE").read_text(encoding="utf-8")
