"""The review page as a person uses it: the samples through `perf-etl run`, `perf-etl review` started on a free
port, Debian's chromium (headless, through chromium-driver and selenium) opening the queue and a report,
correcting a value with a reason; then `perf-etl run` again, marts.department_year shows the corrected value, and
a second run keeps it. The screenshot is saved beside the test's warehouse; set PERF_ETL_SCREENSHOTS to a folder
to keep it (docs/img/review-page.png was taken so).

A 100-page report is added to the published review copy (a year no run publishes, so runs leave it) to time how
long the page takes to open it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from perf_etl.publish.locations import review_copy_path
from perf_etl_tests.conftest import SAMPLES

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                                reason="needs Debian's chromium and chromium-driver (.ci/run installs them)")

SCREENSHOT_NAME = "review-page.png"
PERF_ETL = [sys.executable, "-m", "perf_etl.cli"]
LONG_REPORT_ID = "f" * 64
LONG_REPORT_YEAR = 2099
LONG_REPORT_PAGES = 100
OPEN_BUDGET_MS = 1000


def perf_etl(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*PERF_ETL, *args], capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    root = tmp_path_factory.mktemp("review-page")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    shutil.copytree(SAMPLES, landing)
    env = {**os.environ, "PERF_ETL_WORKERS": "1"}
    env.pop("PERF_ETL_CORRECTIONS", None)
    env.pop("PERF_ETL_PUBLISH_URL", None)
    perf_etl("run", "--landing", str(landing), "--warehouse", str(warehouse), env=env)
    add_long_report(review_copy_path(warehouse))
    server = subprocess.Popen([*PERF_ETL, "review", "--warehouse", str(warehouse), "--port", "0",
                               "--reviewer", "browser-test"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    try:
        line = server.stdout.readline()
        assert "http://127.0.0.1:" in line, line + server.stderr.read()
        url = line.split()[2]
        yield {"url": url, "landing": landing, "warehouse": warehouse, "env": env}
    finally:
        server.terminate()
        server.wait(timeout=10)


def add_long_report(copy: Path) -> None:
    """A report of LONG_REPORT_PAGES pages in the review copy: the samples' longest text, pages repeated, with
    its evidence repeated on every copy of its page."""
    with duckdb.connect(str(copy)) as conn:
        document_id, text, starts = conn.execute(
            "SELECT document_id, text, page_starts FROM documents ORDER BY char_count DESC LIMIT 1").fetchone()
        evidence = conn.execute("SELECT * EXCLUDE (document_id, fiscal_year) FROM evidence WHERE document_id = ? "
                                "AND char_end > char_start", [document_id]).df()
        pages = [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]
        long_pages = [pages[i % len(pages)] for i in range(LONG_REPORT_PAGES)]
        long_starts = [sum(len(p) for p in long_pages[:i]) for i in range(LONG_REPORT_PAGES)]
        rows = []
        for number, start in enumerate(long_starts):
            source_page = number % len(pages)
            for row in evidence.itertuples(index=False):
                if row.page_number == source_page + 1:
                    shift = start - starts[source_page]
                    rows.append((LONG_REPORT_ID, LONG_REPORT_YEAR, f"{row.field}", row.value, row.raw_text, number + 1,
                                 row.char_start + shift, row.char_end + shift, row.rule, row.confidence))
        conn.execute("INSERT INTO documents BY NAME SELECT ? AS document_id, ? AS fiscal_year, ? AS text, "
                     "? AS char_count, ? AS page_starts, 'long.txt' AS file_name, 'long.txt' AS source_path, "
                     "'一百页的报告' AS report_title, '测试局' AS department_name",
                     [LONG_REPORT_ID, LONG_REPORT_YEAR, "".join(long_pages), sum(map(len, long_pages)), long_starts])
        conn.executemany("INSERT INTO evidence (document_id, fiscal_year, field, value, raw_text, page_number, "
                         "char_start, char_end, rule, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900",
                     "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, timeout: float = 10.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def department_year(warehouse: Path, document_id: str, column: str) -> object:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        found = conn.execute(f"SELECT {column} FROM marts.department_year WHERE document_id = ?",
                             [document_id]).fetchone()
    return None if found is None else found[0]


def test_correct_a_value_in_the_page_and_see_it_after_the_next_runs(site, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site["url"])
    rows = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#queue tbody tr[data-field='budget_wan']"))
    row = rows[0]
    report_id = row.get_attribute("data-report")
    before = department_year(site["warehouse"], report_id, "budget_wan")
    assert before is not None
    row.click()
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-opened-report") == report_id)

    # The value is highlighted at its words: clicking it in the list selects (and flashes) its mark ...
    item = browser.find_element(By.CSS_SELECTOR, "#value-list li.selected")
    assert item.get_attribute("data-field") == "budget_wan"
    marks = browser.find_elements(By.CSS_SELECTOR, "#text mark.selected")
    assert marks and any(ch.isdigit() for ch in "".join(m.text for m in marks))
    # ... and clicking the words of another value shows that value.
    other = next(m for m in browser.find_elements(By.CSS_SELECTOR, "#text mark") if "selected" not in
                 m.get_attribute("class"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", other)
    other.click()
    shown = browser.find_element(By.CSS_SELECTOR, "#value-list li.selected").get_attribute("data-index")
    assert shown == other.get_attribute("data-ev").split()[0]

    # Correct the budget.
    browser.find_element(By.CSS_SELECTOR, "#value-list li[data-field='budget_wan']").click()
    corrected = f"{float(before) + 100:.2f}"
    value = browser.find_element(By.ID, "decision-value")
    value.clear()
    value.send_keys(corrected)
    browser.find_element(By.ID, "decision-reason").send_keys("全年预算数见第2页表格（浏览器测试）")
    browser.find_element(By.ID, "correct").click()
    status = wait_for(browser, lambda d: d.find_element(By.ID, "decision-status").text or None)
    assert "next run" in status
    assert "applied at the next run" in browser.find_element(By.ID, "notice").text.replace("\n", " ")
    # Where a person looking at the page would look: kept only when asked for (a test never writes the tree).
    folder = Path(os.environ.get("PERF_ETL_SCREENSHOTS") or site["warehouse"].parent)
    folder.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(folder / SCREENSHOT_NAME))

    # The marts show it after the next run, and keep it through another.
    perf_etl("run", "--landing", str(site["landing"]), "--warehouse", str(site["warehouse"]), env=site["env"])
    assert f"{department_year(site['warehouse'], report_id, 'budget_wan'):.2f}" == corrected
    perf_etl("run", "--landing", str(site["landing"]), "--warehouse", str(site["warehouse"]), env=site["env"])
    assert f"{department_year(site['warehouse'], report_id, 'budget_wan'):.2f}" == corrected


def test_a_report_of_100_pages_opens_in_under_a_second(site, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site["url"])
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#queue tbody tr"))
    started = time.perf_counter()
    browser.execute_script(f"openReport('{LONG_REPORT_ID}', 'budget_wan')")
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-opened-report")
             == LONG_REPORT_ID)
    elapsed_ms = (time.perf_counter() - started) * 1000
    in_page_ms = browser.execute_script("return window.perfEtlLastOpenMs")
    pages = browser.find_elements(By.CSS_SELECTOR, "#text .page")
    nodes = browser.execute_script("return document.getElementById('text').getElementsByTagName('*').length")
    print(f"100-page report: {in_page_ms:.0f} ms in the page (fetch + render), {elapsed_ms:.0f} ms seen by the "
          f"test, {nodes} elements")
    assert len(pages) == LONG_REPORT_PAGES
    assert nodes < 10 * LONG_REPORT_PAGES * 10  # chunks, not one node per character
    assert in_page_ms < OPEN_BUDGET_MS
