"""The requests monitor (`/requests`): the World's request journal, newest first,
filtered by path, method, status, vehicle and application, kept live by the journal's
server-sent events (`GET …/journal/stream`, mockcar.web.control.journal_stream) with the
same filters; and one request (`/requests/{seq}`) with its redacted request and response
and a *copy as curl* that replays it.

The journal never shows a secret in clear, so neither does the curl: a redacted value
(the bearer token, a code, a secret in a body) becomes a shell variable the command
names (`$ACCESS_TOKEN`), listed above it to be set first.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.journal.journal import BODY_LIMIT, Entry, Journal, Match
from mockcar.domain.journal.redaction import REDACTED
from mockcar.domain.world.tenants import Tenants
from mockcar.web.control import responses as wire
from mockcar.web.control.journal_stream import PATH as STREAM_PATH
from mockcar.web.control.journal_stream import UNCLAIMED_PATH
from mockcar.web.control.operations import PREFIX, ControlError
from mockcar.web.control.world import match
from mockcar.web.dashboard import layout
from mockcar.web.dashboard.vehicle_names import vehicle_labels

SHOWN = 200  # rows the list renders (and keeps as new ones arrive)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FILTERS = ("method", "path", "status", "vehicle_id", "client_id")
UNCLAIMED = "unclaimed"
QUERY: tuple[tuple[str, str], ...] = (
    ("journal", "unclaimed: the server's requests no application claimed"),
    ("method", "HTTP method"),
    ("path", "path: words match anywhere; * matches anything, {id} one segment"),
    ("status", "response status"), ("vehicle_id", "vehicle id in the path"),
    ("client_id", "application"),
)
# Stands for a redacted value while a body is rebuilt (letters and underscores: no
# encoding changes it).
_MARKER = "__mockcar_redacted__"
# Request headers curl sends itself, or that would not replay.
_NOT_REPLAYED = frozenset({"user-agent", "content-length", "host", "accept-encoding"})


def path_filter(raw: str) -> str:
    """What a person types in the path filter as the journal's pattern: words (no `*`,
    no `{`) match anywhere in the path, a pattern is taken as it is."""
    raw = raw.strip()
    if not raw or "*" in raw or "{" in raw:
        return raw
    return f"*{raw}*"


def filters_of(request: Request) -> dict[str, str]:
    """Every filter, as given ("" when not)."""
    return {name: request.query_params.get(name, "").strip() for name in FILTERS}


def journal_query(filters: dict[str, str]) -> dict[str, str]:
    """The filters given, as the journal's query parameters (the stream takes the same)."""
    query = {name: value for name, value in filters.items() if value}
    if "path" in query:
        query["path"] = path_filter(query["path"])
    if "method" in query:
        query["method"] = query["method"].upper()
    return query


def tone(status: int) -> str:
    return "ok" if status < 400 else "warn" if status < 500 else "error"


def row(entry: dict[str, Any], page: str, suffix: str = "") -> dict[str, Any]:
    """One list row from a shown entry (monitor.js draws the same from a stream event)."""
    return {"entry": entry, "href": f"{page}/{entry['seq']}{suffix}",
            "tone": tone(entry["status"]), "time": entry["at"][11:23], "query": entry["query"]}


def journal_of(request: Request, shown: layout.View) -> tuple[Journal, bool]:
    """The journal a monitor page shows, and whether it is the unclaimed one (asked for
    with ?journal=unclaimed, in the scenario's dashboard: it is the server's)."""
    which = request.query_params.get("journal", "")
    if which not in ("", UNCLAIMED):
        raise layout.PageError(404, f"No journal {which!r}: leave it out for this World's, "
                               "or ask for journal=unclaimed.")
    if which == UNCLAIMED:
        if shown.application is not None:
            raise layout.PageError(404, "The unclaimed requests are the server's: open "
                                   "them from the scenario's dashboard (/requests).")
        tenants: Tenants = request.app.state.tenants
        return tenants.unclaimed_journal, True
    return shown.journal, False


async def requests_page(request: Request) -> Response:
    shown = layout.view(request)
    filters = filters_of(request)
    problem: str | None = None
    try:
        found: Match | None = match(journal_query(filters))
    except ControlError as bad:
        found, problem = None, "; ".join(bad.problems or [bad.message])
    journal, unclaimed = journal_of(request, shown)
    suffix = f"?journal={UNCLAIMED}" if unclaimed else ""
    entries = journal.entries(found, SHOWN) if found is not None else []
    page = shown.page("/requests")
    rows = [row(wire.entry(e), page, suffix) for e in reversed(entries)]
    world = shown.world
    applications = [(a.client_id, a.name) for a in world.applications.values()]
    known = {client for client, _ in applications}
    applications += sorted({(e.client_id, e.client_id) for e in journal.entries()
                            if e.client_id and e.client_id not in known})
    seen = sorted({e.vehicle_id for e in journal.entries() if e.vehicle_id})[:SHOWN]
    # Named in the suggestions, so typing "Tesla" finds a Tesla's id.
    called = vehicle_labels(world, seen)
    vehicles = [(vehicle_id, called.get(vehicle_id, "")) for vehicle_id in seen]
    return layout.render(request, "dashboard/requests.html", {
        "rows": rows, "filters": filters, "problem": problem, "methods": METHODS,
        "applications": applications, "vehicles": vehicles,
        "stream": (PREFIX + UNCLAIMED_PATH if unclaimed else shown.control(STREAM_PATH))
        + "?" + urlencode({**journal_query(filters), "since": journal.last_seq()})
        if found else "",
        "unclaimed": unclaimed, "suffix": suffix,
        "unclaimed_count": None if shown.application is not None else len(
            request.app.state.tenants.unclaimed_journal),
        "kept": len(journal), "capacity": journal.capacity, "shown_limit": SHOWN,
        "filtered": any(filters.values()),
        "names": {a.client_id: a.name for a in world.applications.values()},
    }, title="Requests", active="requests", page_view=shown)


async def request_page(request: Request) -> Response:
    shown = layout.view(request)
    raw = request.path_params["seq"]
    if not raw.isdigit():
        raise layout.PageError(404, f"No request {raw!r}: requests are numbered 1, 2, 3 …")
    seq = int(raw)
    journal, unclaimed = journal_of(request, shown)
    found = next(iter(journal.entries(Match(since=seq - 1), None)), None)
    if found is None or found.seq != seq:
        raise layout.PageError(404, f"Request {seq} is not in the journal (it keeps the "
                               f"last {journal.capacity}, and a clear empties it).")
    entry = wire.entry(found)
    origin = layout.origin(request)
    command = curl(found, entry, origin)
    return layout.render(request, "dashboard/request.html", {
        "entry": entry, "tone": tone(found.status), "curl": command,
        "request_headers": sorted(entry["headers"].items()),
        "response_headers": sorted(entry["response"]["headers"].items()),
        "request_body": _pretty(entry["body"]), "response_body": _pretty(
            entry["response"]["body"]),
        "url": origin + entry["path"] + ("?" + entry["query"] if entry["query"] else ""),
        "back": shown.page("/requests") + (f"?journal={UNCLAIMED}" if unclaimed else ""),
        "vehicle_page": shown.page(f"/vehicles/{found.vehicle_id}") if found.vehicle_id else "",
        "body_limit": BODY_LIMIT // 1024, "response_cut": found.response_truncated,
        "request_cut": found.body_truncated,
        "application": _application_name(shown, found.client_id),
    }, title=f"{found.method} {entry['path']}", active="requests", page_view=shown)


def _application_name(shown: layout.View, client_id: str | None) -> str | None:
    if client_id is None:
        return None
    application = shown.world.applications.get(client_id)
    return application.name if application is not None else None


def _pretty(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, str):
        return body
    return json.dumps(body, indent=2, ensure_ascii=False)


# -- copy as curl ---------------------------------------------------------------------------


@dataclass
class Curl:
    """A curl command line, and the shell variables it needs set first: name -> what."""

    command: str
    variables: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # what the command cannot replay


class _Words:
    """Building shell words where some values are variables."""

    def __init__(self) -> None:
        self.variables: dict[str, str] = {}

    def variable(self, key: str, what: str) -> str:
        name = re.sub(r"[^A-Z0-9]+", "_", key.upper()).strip("_") or "VALUE"
        if name[0].isdigit():
            name = "V_" + name
        self.variables.setdefault(name, what)
        return name

    def word(self, parts: list[str | tuple[str]]) -> str:
        """One shell word from literal strings and (variable,) tuples."""
        if all(isinstance(p, str) for p in parts):
            return shlex.quote("".join(p for p in parts if isinstance(p, str)))
        out = []
        for part in parts:
            if isinstance(part, tuple):
                out.append("${" + part[0] + "}")
            else:
                out.append(re.sub(r'([\\"$`])', r"\\\1", part))
        return '"' + "".join(out) + '"'


def _redacted_parts(text: str, marker: str, names: list[str], *,
                    quoted: bool) -> list[str | tuple[str]]:
    """`text` with each `marker` replaced by the next variable of `names` (in a JSON
    string when `quoted`)."""
    pieces = text.split(marker)
    quote_mark = '"' if quoted else ""
    parts: list[str | tuple[str]] = [pieces[0]]
    for name, piece in zip(names, pieces[1:], strict=True):
        parts += [quote_mark, (name,), quote_mark + piece]
    return parts


def curl(raw: Entry, entry: dict[str, Any], origin: str) -> Curl:
    """The request as a curl command against `origin`, from its redacted entry."""
    words = _Words()
    args: list[str] = ["curl"]
    if raw.method != "GET":
        args += ["-X", raw.method]
    # The URL: a redacted query value becomes a variable (a Connect code, a secret).
    pairs = parse_qsl(entry["query"], keep_blank_values=True)
    url: list[str | tuple[str]] = [origin + quote(entry["path"], safe="/%:@!$&'()*+,;=-._~")]
    for index, (key, value) in enumerate(pairs):
        url.append(("?" if index == 0 else "&") + quote(key, safe="") + "=")
        url.append((words.variable(key, f"the {key} the request carried"),)
                   if value == REDACTED else quote(value, safe=""))
    if REDACTED in entry["path"]:
        return Curl(" ".join(args + [words.word(url)]), words.variables,
                    "A Connect step's session is not kept: this request cannot be replayed.")
    args.append(words.word(url))
    for name, value in sorted(entry["headers"].items()):
        if name in _NOT_REPLAYED or (name == "accept" and value == "*/*"):
            continue
        if name == "authorization":
            scheme = value.split(" ")[0]
            if scheme.lower() == "basic":
                user = ("default" if entry["path"].startswith(("/v2.0/management",))
                        else raw.client_id or "CLIENT_ID")
                secret = words.variable(
                    "MANAGEMENT_TOKEN" if user == "default" else "CLIENT_SECRET",
                    "the application's management token" if user == "default"
                    else "the application's client secret")
                args += ["-u", words.word([user + ":", (secret,)])]
            else:
                token = words.variable("ACCESS_TOKEN", "the bearer token the request carried "
                                       "(an access token, or an application's token)")
                args += ["-H", words.word([f"Authorization: {scheme} ", (token,)])]
            continue
        header: list[str | tuple[str]] = [f"{name}: "]
        header += ([(words.variable(name, f"the {name} header"),)] if value == REDACTED
                   else [value])
        args += ["-H", words.word(header)]
    note = None
    body = entry["body"]
    if isinstance(body, str):  # "<n bytes …, not shown>": the journal did not keep it
        note = f"The body was not kept ({body.strip('<>')}): add it with --data-binary @file."
    elif body is not None:
        names: list[str] = []

        def swap(value: Any, key: str = "value") -> Any:
            if isinstance(value, dict):
                return {k: swap(v, k) for k, v in value.items()}
            if isinstance(value, list):
                return [swap(v, key) for v in value]
            if value == REDACTED:
                names.append(words.variable(key, f"the {key} the request carried"))
                return _MARKER
            return value

        kind = (raw.content_type or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            text = urlencode(list(swap(body).items()), doseq=True)
            parts = _redacted_parts(text, _MARKER, names, quoted=False)
        else:
            text = json.dumps(swap(body), separators=(",", ":"), ensure_ascii=False)
            parts = _redacted_parts(text, json.dumps(_MARKER), names, quoted=True)
        args += ["--data-raw", words.word(parts)]
    return Curl(" ".join(args), words.variables, note)


__all__ = ["QUERY", "Curl", "curl", "path_filter", "request_page", "requests_page"]
