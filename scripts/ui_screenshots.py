"""Screenshots of the Dagster UI for the README, from a running webserver, in headless Chromium.

Run `make run`, then a webserver on the same instance (`DAGSTER_HOME=.dagster_home .venv/bin/dagster-webserver
-w workspace.yaml -p 3000`), then, with Playwright installed beside a Chromium (Debian's `chromium`
package; `pip install playwright` in any virtualenv, its own browser download is not needed):

    python scripts/ui_screenshots.py [--url http://127.0.0.1:3000] [--out docs/img] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
# page name -> (path in the UI, text to wait for, what to scroll into view, what to click, before the shot)
SHOTS = {
    "asset-graph": ("/asset-groups", "Global asset lineage", None, None),
    "core-checks": ("/assets/core/reports?view=checks", "unique_report_id", None, None),
    "department-year": ("/assets/marts/department_year", "Latest materialization", "chart", None),
    "department-year-chart": ("/assets/marts/department_year", "Latest materialization", "chart_image",
                              "[Show Markdown]"),
}


def dismiss_dialogs(page: Page) -> None:
    """The community sign-up dialog a fresh browser profile gets."""
    skip = page.get_by_role("button", name="Skip")
    if skip.count():
        skip.first.click()


def take(page: Page, url: str, name: str, out: Path) -> Path:
    path, wait_for, scroll_to, click = SHOTS[name]
    page.goto(url + path)
    page.get_by_text(wait_for).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    dismiss_dialogs(page)
    page.wait_for_timeout(1500)  # the graph's layout and the dialog's fade-out
    if scroll_to:
        page.get_by_text(scroll_to, exact=True).first.scroll_into_view_if_needed()
    if click:
        page.get_by_text(click, exact=True).first.click()
        page.wait_for_timeout(1000)
    target = out / f"{name}.png"
    page.screenshot(path=str(target))
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:3000")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--only", choices=sorted(SHOTS), action="append")
    args = parser.parse_args(argv)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1600, "height": 950})
        for name in args.only or SHOTS:
            print(take(page, args.url.rstrip("/"), name, args.out))
        browser.close()


if __name__ == "__main__":
    main()
