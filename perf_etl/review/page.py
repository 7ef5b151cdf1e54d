"""`perf-etl review`: a local web page to go through marts.review_queue and correct values.

It reads the review copy the pipeline publishes (perf_etl/publish/review_copy.py: the queue, the reports' staging
text and their evidence), opened read-only for each request, never the working warehouse: the page cannot block
a run, and it shows what the last run published. A decision goes to the corrections store
(perf_etl/review/corrections.py, `record_correction`), which the next run applies; the page says so.

Served by the standard library (http.server), with static files under perf_etl/review/static/. It binds
127.0.0.1 unless told otherwise; another interface needs a token (`--token`), which every request must then
carry (the `token` query parameter of the first page load sets a cookie; the API also takes an
X-Review-Token header).
"""

from __future__ import annotations

import hmac
import http.cookies
import ipaddress
import json
import mimetypes
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb

from perf_etl.review.corrections import (
    CORRECTABLE_FIELDS,
    Correction,
    CorrectionError,
    load_corrections,
    record_correction,
)

LOOPBACK = "127.0.0.1"
TOKEN_COOKIE = "perf_etl_review_token"
TOKEN_HEADER = "X-Review-Token"
QUEUE_LIMIT = 2000  # rows the queue list shows at most
_STATIC = resources.files("perf_etl.review").joinpath("static")


class ReviewSetupError(ValueError):
    """The page cannot start as asked; the message is one line a person can act on."""


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Another interface than the loopback needs a token."""
    if not is_loopback(host) and not token:
        raise ReviewSetupError(f"--host {host} makes the page reachable from other machines: give --token too "
                               "(every request must then carry it)")


@dataclass(frozen=True)
class ReviewApp:
    """What the page serves: the review copy it reads and the corrections store it writes."""

    copy: Path
    store: Path
    reviewer: str
    token: str | None = None

    def connect(self) -> duckdb.DuckDBPyConnection:
        if not self.copy.exists():
            raise ReviewSetupError(f"{self.copy} does not exist: run the pipeline (perf-etl run) to publish it")
        return duckdb.connect(str(self.copy), read_only=True)

    def queue(self, max_priority: int = 4, limit: int = QUEUE_LIMIT) -> dict[str, Any]:
        with self.connect() as conn:
            rows = _records(conn.execute(
                "SELECT q.fiscal_year, q.report_id, q.field, q.value, q.reason, q.priority, q.urgency, q.confidence, "
                "d.department_name, d.report_title, d.project_name, d.file_name FROM review_queue AS q "
                f"LEFT JOIN documents AS d ON {_REPORT_ID_OF_D} = q.report_id WHERE q.priority <= ? "
                "ORDER BY q.priority, q.urgency DESC, q.fiscal_year, q.report_id, q.field LIMIT ?",
                [max_priority, limit]))
            counts = dict(conn.execute("SELECT priority, count(*) FROM review_queue GROUP BY priority").fetchall())
        return {"rows": rows, "counts": {str(k): v for k, v in sorted(counts.items())}}

    def report(self, report_id: str) -> dict[str, Any] | None:
        with self.connect() as conn:
            documents = _records(conn.execute(f"SELECT * FROM documents AS d WHERE {_REPORT_ID_OF_D} = ?",
                                              [report_id]))
            if not documents:
                return None
            evidence = _records(conn.execute(
                "SELECT e.field, e.value, e.raw_text, e.page_number, e.char_start, e.char_end, e.rule, "
                "e.ocr_confidence, e.confidence, e.confidence_note, q.reason, q.priority FROM evidence AS e "
                f"LEFT JOIN review_queue AS q ON q.report_id = {_REPORT_ID_OF_E} AND q.field = e.field "
                f"WHERE {_REPORT_ID_OF_E} = ? "
                "ORDER BY e.field LIKE 'indicator%', coalesce(q.priority, 5), e.char_start, e.field", [report_id]))
            missing = _records(conn.execute(
                "SELECT field, value, reason, priority FROM review_queue WHERE report_id = ? AND value IS NULL",
                [report_id]))
        document = documents[0]
        text = document.pop("text")
        to_utf16 = utf16_offsets(text)
        for row in evidence:
            row["char_start"], row["char_end"] = to_utf16(row["char_start"]), to_utf16(row["char_end"])
        document["page_starts"] = [to_utf16(start) for start in document["page_starts"]]
        pending = [c for c in load_corrections(self.store) if c.report_id == report_id] if self.store.exists() else []
        return {"document": document, "text": text, "evidence": evidence, "missing": missing,
                "corrections": [_correction_record(c) for c in pending], "correctable": list(CORRECTABLE_FIELDS)}

    def decide(self, body: dict[str, Any]) -> dict[str, Any]:
        """Record a correction: `action` 'accept' keeps the extracted value (a person checked it), 'correct'
        writes `value` (null clears the field)."""
        action, reason = body.get("action"), str(body.get("reason") or "").strip()
        if action not in ("accept", "correct"):
            raise CorrectionError("action must be 'accept' or 'correct'")
        if not reason:
            raise CorrectionError("say why (a reason is kept with the correction)")
        report_id, field = str(body.get("report_id") or ""), str(body.get("field") or "")
        extracted = self._extracted_value(report_id, field)
        value = extracted if action == "accept" else _value_or_none(body.get("value"))
        correction = Correction(report_id=report_id, field=field, value=value, reason=reason,
                                corrected_by=str(body.get("corrected_by") or self.reviewer),
                                corrected_at=datetime.now(timezone.utc), extracted_value=extracted)
        record_correction(self.store, correction)
        return {"recorded": _correction_record(correction),
                "note": "Recorded. The correction is applied at the next run of the pipeline."}

    def _extracted_value(self, report_id: str, field: str) -> str | None:
        """What the extractor gave for the field, as the copy has it (for a corrected value: the value its
        correction was made against)."""
        with self.connect() as conn:
            found = conn.execute(
                "SELECT CASE WHEN rule = 'correction' THEN extracted_value ELSE value END FROM evidence AS e "
                f"WHERE {_REPORT_ID_OF_E} = ? AND field = ? ORDER BY rule = 'correction' DESC LIMIT 1",
                [report_id, field]).fetchone()
            if found is None and conn.execute(f"SELECT 1 FROM documents AS d WHERE {_REPORT_ID_OF_D} = ?",
                                              [report_id]).fetchone() is None:
                raise CorrectionError(f"no report {report_id} in the published copy")
        return None if found is None else found[0]


# A copy's row's report: rows published before a file's reports were told apart have no report_id, and their
# one report is the document (until their year is published again).
_REPORT_ID_OF_D = "coalesce(d.report_id, d.document_id)"
_REPORT_ID_OF_E = "coalesce(e.report_id, e.document_id)"


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Code-point offset -> UTF-16 offset (what JavaScript strings count) in `text`."""
    if text.isascii() or all(ord(ch) < 0x10000 for ch in text):
        return lambda offset: offset
    extra = [0]
    for ch in text:
        extra.append(extra[-1] + (ord(ch) >= 0x10000))
    return lambda offset: offset + extra[min(max(offset, 0), len(text))]


def _value_or_none(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _correction_record(correction: Correction) -> dict[str, Any]:
    return {"report_id": correction.report_id, "field": correction.field, "value": correction.value,
            "reason": correction.reason, "corrected_by": correction.corrected_by,
            "corrected_at": correction.corrected_at.isoformat(), "extracted_value": correction.extracted_value}


def _records(relation: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in relation.description]
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class _Handler(BaseHTTPRequestHandler):
    app: ReviewApp  # set on the subclass made by make_server
    server_version = "perf-etl-review"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal says where the page is; requests are not news

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if not self._authorized(query):
            return
        if url.path in ("/", "/index.html"):
            self._static("index.html", set_cookie=bool(query.get("token")))
        elif url.path.startswith("/static/"):
            self._static(url.path.removeprefix("/static/"))
        elif url.path == "/api/queue":
            self._json(self.app.queue(int(query.get("priority", ["4"])[0])))
        elif url.path == "/api/report":
            found = self.app.report(query.get("id", [""])[0])
            self._json(found if found is not None else {"error": "no such report in the published copy"},
                       HTTPStatus.OK if found is not None else HTTPStatus.NOT_FOUND)
        else:
            self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not self._authorized(parse_qs(url.query)):
            return
        if url.path != "/api/decision":
            self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            self._json(self.app.decide(body))
        except (CorrectionError, ValueError) as error:
            self._json({"error": str(error)}, HTTPStatus.BAD_REQUEST)

    def _authorized(self, query: dict[str, list[str]]) -> bool:
        token = self.app.token
        if token is None:
            return True
        cookie = http.cookies.SimpleCookie(self.headers.get("Cookie") or "")
        given = [*query.get("token", []), self.headers.get(TOKEN_HEADER) or "",
                 cookie[TOKEN_COOKIE].value if TOKEN_COOKIE in cookie else ""]
        if any(hmac.compare_digest(candidate.encode(), token.encode()) for candidate in given if candidate):
            return True
        self._json({"error": "this page needs its token: open it with ?token=…"}, HTTPStatus.UNAUTHORIZED)
        return False

    def _static(self, name: str, *, set_cookie: bool = False) -> None:
        resource = _STATIC.joinpath(name)
        if "/" in name or ".." in name or not resource.is_file():
            self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
            return
        body = resource.read_bytes()
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(
            "javascript") else kind)
        self.send_header("Cache-Control", "no-store")
        if set_cookie and self.app.token:
            self.send_header("Set-Cookie", f"{TOKEN_COOKIE}={self.app.token}; HttpOnly; SameSite=Strict; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: object, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=_json_default).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except ReviewSetupError as error:
            self._json({"error": str(error)}, HTTPStatus.SERVICE_UNAVAILABLE)


def make_server(app: ReviewApp, host: str = LOOPBACK, port: int = 0) -> ThreadingHTTPServer:
    """The page's server, bound (port 0: a free one); `serve_forever` it."""
    check_binding(host, app.token)
    handler = type("ReviewHandler", (_Handler,), {"app": app})
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("ReviewServer", (ThreadingHTTPServer,), {"address_family": family, "daemon_threads": True})
    return server_class((host, port), handler)


def page_url(server: ThreadingHTTPServer, token: str | None = None) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
