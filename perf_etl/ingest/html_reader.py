"""Read a web page (.html / .htm / .shtml) or a saved web archive (.mht / .mhtml) into one page of text and
its tables.

- Encoding (w3lib.encoding, the WHATWG rules browsers follow): a BOM, else the charset the page declares
  (<meta charset>, <meta http-equiv="Content-Type">, or the MHT part's Content-Type), else detected by
  charset-normalizer among UTF-8 and GB18030. GB2312 and GBK are decoded as GB18030, their superset, as
  browsers do: pages declared gb2312 routinely hold GBK-only characters. A page declared GBK that is
  really UTF-8 (saved again by an editor) is read as UTF-8.
- Text: the article without the site's chrome (navigation, menus, 上一篇/下一篇, the copyright footer),
  chosen by readability-lxml (Mozilla Readability's scoring, on lxml); trafilatura was compared on
  report pages and flattens paragraphs of pages laid out in tables into one line, and pulls in dateparser.
  Paragraphs and headings become lines; a table row becomes a line of its cells joined by tabs, as
  the Word reader writes them. The page's title (the CMS's ArticleTitle, else <title>) heads the text
  when the article does not start with it: sites put the report's title in the page, not the article.
- Tables: every data table of the page (perf_etl.tables.html), merged cells resolved.

A page is one page: HTML has no pagination. A page with no text, or too little for a report (its article is
filled in by a script when shown, a frame set, images), is rejected as empty_page, which says to save it
again once it shows.
"""

from __future__ import annotations

import email
import email.policy
import re
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import charset_normalizer
import lxml.etree
import lxml.html
from readability import Document
from readability.readability import Unparseable
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, read_bom

from perf_etl.ingest.classify import foreign_text_reason, garbage_text_reason
from perf_etl.ingest.reasons import EmptyPageError
from perf_etl.models import PageText
from perf_etl.settings import IngestSettings
from perf_etl.tables.html import read_html_tables

if TYPE_CHECKING:
    from perf_etl.ingest.readers import ReadResult

SOURCE_FORMAT = "html"
HTML_PAGE = 1
# What the detector may choose among when a page declares nothing (as for .txt): short GBK pages are
# otherwise guessed as Big5 or Shift-JIS.
_DETECTED_ENCODINGS = ["utf_8", "gb18030"]
# Elements whose text is no part of what the page shows.
_INVISIBLE = ("script", "style", "noscript", "template", "object", "embed", "iframe")
# Elements that start and end a line of text (the rest are inline: their text runs on).
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "tfoot", "thead", "ul",
})
_CELLS = ("td", "th")
# HTML collapses runs of these into one space; U+3000 (the full-width indent of Chinese text) is kept.
_COLLAPSIBLE_RE = re.compile(r"[ \t\n\r\f\v\xa0]+")
# lxml refuses a str that still carries its XML encoding declaration (XHTML pages open with one).
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# A saved web archive: MIME headers (From, Subject, MIME-Version, Content-Type) before the first markup.
_MIME_HEADER_RE = re.compile(rb"^content-type:[ \t]*(?:multipart/|text/html)", re.IGNORECASE | re.MULTILINE)
_MIME_HEAD_BYTES = 4096
# The part of a <title> before the site's name ("报告标题_某某区人民政府门户网站").
_TITLE_SEPARATOR_RE = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)\s*")
# How many of the article's first lines are looked at for the title it already starts with.
_TITLE_LINES = 5
_WORD_RE = re.compile(r"\w")


def read_html(data: bytes, options: IngestSettings = IngestSettings()) -> ReadResult:
    """A web page or web archive as one page of text (its article) and its tables; EmptyPageError when it
    shows no text."""
    from perf_etl.ingest.readers import ReadResult  # readers registers this reader: imported late

    body, content_type = web_archive_html(data) if is_web_archive(data) else (data, None)
    markup, encoding = decode_html(body, content_type)
    root = parse_html(markup)
    title = page_title(root)
    lines = article_lines(markup)
    tables = read_html_tables(root)
    if not any(_WORD_RE.search(line) for line in lines) and not tables:
        raise EmptyPageError("no text and no table in the page's body: a page whose text a script loads "
                             "when it is shown, a frame set, or a page of images")
    text = "\n".join(_with_title(lines, title))
    engine = (f"readability-lxml {version('readability-lxml')} (lxml {version('lxml')}, "
              f"w3lib {version('w3lib')}: {encoding})")
    pages = [PageText(HTML_PAGE, text, engine)]
    _check_readable(pages)
    return ReadResult(pages, engine, SOURCE_FORMAT, tables)


def _check_readable(pages: list[PageText]) -> None:
    """EmptyPageError for a page whose text is too thin or broken to be a report: the ingest check would
    say the PDF "text layer" is unusable, which is no help for a web page (its text came with a script)."""
    if foreign_text_reason(pages) is None:
        reason = garbage_text_reason(pages)
        if reason is not None:
            raise EmptyPageError(reason)


# ---------------------------------------------------------------- MHT


def is_web_archive(data: bytes) -> bool:
    """Whether `data` is a MIME message (a browser's "web archive, single file") rather than markup."""
    head = data[:_MIME_HEAD_BYTES].lstrip()
    return not head.startswith(b"<") and _MIME_HEADER_RE.search(head) is not None


def web_archive_html(data: bytes) -> tuple[bytes, str | None]:
    """The first text/html part of a web archive, its transfer encoding (quoted-printable, base64) undone,
    with its Content-Type header (it carries the charset); EmptyPageError when there is none."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload, part.get("Content-Type")
    raise EmptyPageError("a web archive (MHT) without an HTML part")


# ---------------------------------------------------------------- encoding


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(markup, how it was decoded: "gb18030 declared", "utf-8 detected"…)."""
    declared = read_bom(data)[0] is not None or _declared(content_type, data)
    encoding, markup = html_to_unicode(content_type, data, auto_detect_fun=_detect)
    if declared and not _decodes(data, encoding) and _decodes(data, "utf-8"):
        return data.decode("utf-8"), f"utf-8, declared {encoding}"
    return markup, f"{encoding} {'declared' if declared else 'detected'}"


def _declared(content_type: str | None, data: bytes) -> bool:
    return bool(content_type and "charset" in content_type.lower()) or html_body_declared_encoding(data) is not None


def _detect(data: bytes) -> str | None:
    match = charset_normalizer.from_bytes(data, cp_isolation=_DETECTED_ENCODINGS).best()
    return match.encoding if match is not None else None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# ---------------------------------------------------------------- text


def parse_html(markup: str) -> Any:
    """The page as an lxml.html document without its invisible elements; EmptyPageError for no markup."""
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION_RE.sub("", markup, count=1))
    except (lxml.etree.ParserError, ValueError) as error:  # "Document is empty"
        raise EmptyPageError(f"no HTML in it ({error})") from error
    for element in list(root.iter(*_INVISIBLE)):
        element.drop_tree()
    return root


def article_lines(markup: str) -> list[str]:
    """The lines of the page's article (readability-lxml), or of its whole body when readability cannot
    parse it."""
    try:
        article = Document(_XML_DECLARATION_RE.sub("", markup, count=1)).summary(html_partial=True)
        element = lxml.html.fragment_fromstring(article, create_parent="div")
    except (Unparseable, lxml.etree.ParserError, ValueError, AssertionError):
        # readability gives up on some pages (a frame set has no body: lxml asserts one); the whole body is
        # then the article, chrome and all, rather than losing the page.
        element = parse_html(markup).find("body")
        if element is None:
            return []
    return element_lines(element)


def element_lines(element: Any) -> list[str]:
    """The text of `element` as a browser lays it out in lines: one line a block (paragraph, heading,
    list item), <br> breaks, a table row is a line of its cells joined by tabs; blank lines dropped."""
    pieces: list[str] = []
    _walk(element, pieces)
    # A row's empty first or last cell leaves a tab at the line's end: kept, the cells stay in place.
    lines = (line.strip(" \u3000") for line in "".join(pieces).split("\n"))
    return [line for line in lines if line.strip()]


def _walk(element: Any, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""  # comments and processing instructions
    if tag in _INVISIBLE or not tag:
        pieces.append(_collapsed(element.tail))
        return
    if tag == "br":
        pieces.append("\n" + _collapsed(element.tail))
        return
    if tag == "tr":
        cells = [" ".join(element_lines(cell)) for cell in element if cell.tag in _CELLS]
        pieces.append("\n" + "\t".join(cells) + "\n" + _collapsed(element.tail))
        return
    block = tag in _BLOCKS
    if block:
        pieces.append("\n")
    pieces.append(_collapsed(element.text))
    for child in element:
        _walk(child, pieces)
    if block:
        pieces.append("\n")
    pieces.append(_collapsed(element.tail))


def _collapsed(text: str | None) -> str:
    return _COLLAPSIBLE_RE.sub(" ", text) if text else ""


def page_title(root: Any) -> str:
    """The report's title as the page gives it: the CMS's ArticleTitle meta (TRS, used by most government
    sites), else the <title> without the site's name."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle" and (meta.get("content") or "").strip():
            return " ".join(meta.get("content").split())
    title = root.find(".//title")
    text = " ".join((title.text_content() if title is not None else "").split())
    return _TITLE_SEPARATOR_RE.split(text, maxsplit=1)[0] if text else ""


def _with_title(lines: list[str], title: str) -> list[str]:
    compact = "".join(title.split())
    if not _WORD_RE.search(compact) or any(compact in "".join(line.split()) for line in lines[:_TITLE_LINES]):
        return lines
    return [title, *lines]


# ---------------------------------------------------------------- sniffing

# A web page's first markup, after a BOM, whitespace, an XML declaration (XHTML) and comments:
# <!DOCTYPE html …> or <html …>.
_HTML_HEAD_RE = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
    re.IGNORECASE | re.DOTALL)


def looks_like_html(head: bytes) -> bool:
    """Whether a file's first bytes are an HTML document (whatever its name)."""
    return _HTML_HEAD_RE.match(head) is not None
