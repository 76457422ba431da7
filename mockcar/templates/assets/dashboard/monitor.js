/* The requests monitor: new journal entries arrive as server-sent events from the
   control API (GET …/journal/stream, with the page's filters) and are drawn as rows on
   top of the ones the server rendered. The page keeps nothing else: a reload shows the
   journal as the server has it. */
(function () {
  "use strict";
  const table = document.querySelector("[data-monitor]");
  if (!table || !window.mockcar) return;
  const rows = table.querySelector("[data-monitor-rows]");
  const wrap = document.querySelector("[data-monitor-table]");
  const empty = document.querySelector("[data-monitor-empty]");
  const live = document.querySelector("[data-monitor-live]");
  const dropped = document.querySelector("[data-monitor-dropped]");
  const pause = document.querySelector("[data-monitor-pause]");
  // How many the journal keeps: counted on here unless the page is filtered (the stream
  // then carries only the matching entries); a clear empties it either way.
  const kept = document.querySelector("[data-monitor-kept]");

  function setKept(count) {
    kept.textContent = String(Math.min(count, Number(kept.dataset.capacity) || count));
  }
  const page = table.dataset.requestPage;
  const suffix = table.dataset.requestSuffix || "";
  const limit = Number(table.dataset.limit) || 200;
  const names = JSON.parse(table.dataset.names || "{}");
  let paused = false;
  let missed = 0;

  function setLive(text, tone) {
    live.textContent = text;
    live.className = "badge badge--" + tone;
  }

  function cell(label, className, child) {
    const td = document.createElement("td");
    td.dataset.label = label;
    if (className) td.className = className;
    if (typeof child === "string") td.textContent = child; else td.appendChild(child);
    return td;
  }

  function vehicleLink(id) {
    if (!id) return "–";
    const link = document.createElement("a");
    link.href = mockcar.page("/vehicles/" + encodeURIComponent(id));
    link.dataset.vehicleId = id;
    link.title = id;
    link.textContent = id.length > 9 ? id.slice(0, 8) + "…" : id;
    return link;
  }

  function application(clientId) {
    const td = cell("Application", "small", clientId ? (names[clientId] || clientId) : "–");
    if (clientId) { td.dataset.clientId = clientId; td.title = clientId; }
    return td;
  }

  function tone(status) { return status < 400 ? "ok" : status < 500 ? "warn" : "error"; }

  function draw(entry) {
    const tr = document.createElement("tr");
    tr.dataset.seq = entry.seq;
    tr.className = "is-new";
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = entry.at.slice(11, 23);
    const link = document.createElement("a");
    link.href = page + "/" + entry.seq + suffix;
    link.textContent = entry.path;
    if (entry.query) {
      const query = document.createElement("span");
      query.className = "muted";
      query.textContent = "?" + entry.query;
      link.appendChild(query);
    }
    const badge = document.createElement("span");
    badge.className = "badge badge--" + tone(entry.status);
    badge.textContent = String(entry.status);
    tr.append(
      cell("Time", "mono small nowrap", time),
      cell("Method", "mono", entry.method),
      cell("Path", "mono wrap", link),
      cell("Status", "", badge),
      cell("Duration", "nowrap", Number(entry.duration_ms).toFixed(1) + " ms"),
      application(entry.client_id),
      cell("Vehicle", "mono small", vehicleLink(entry.vehicle_id)),
    );
    rows.prepend(tr);
    while (rows.rows.length > limit) rows.lastElementChild.remove();
    wrap.hidden = false;
    empty.hidden = true;
  }

  function onEvent(event) {
    if (event.event === "request") {
      if (rows.querySelector('tr[data-seq="' + event.data.seq + '"]')) return;
      if (kept.hasAttribute("data-counting")) setKept(Number(kept.textContent) + 1);
      if (paused) { missed += 1; setLive("Paused · " + missed + " new", "warn"); return; }
      draw(event.data);
    } else if (event.event === "cleared") {
      rows.replaceChildren();
      setKept(0);
      wrap.hidden = true;
      empty.hidden = false;
      mockcar.announce("The journal was cleared");
    } else if (event.event === "dropped") {
      dropped.textContent = event.data.dropped + " requests arrived faster than this page could show them; reload to see them all.";
      dropped.hidden = false;
    }
  }

  if (!table.dataset.monitor) { setLive("Not live: fix the filters", "error"); return; }
  // Closed while the tab is hidden, and resumed after the last entry it had (its
  // Last-Event-ID, or the URL's since), so no row is lost meanwhile.
  mockcar.stream(table.dataset.monitor, onEvent, {
    whileVisible: true,
    onOpen: function () { setLive(paused ? "Paused" : "Live", paused ? "warn" : "ok"); },
    onError: function () { setLive("Reconnecting…", "warn"); },
  });

  pause.addEventListener("click", function () {
    paused = !paused;
    // The label says what a press does (Pause / Resume), so no aria-pressed on top:
    // "Resume, pressed" would read as the opposite.
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused && missed) { window.location.reload(); return; }
    setLive(paused ? "Paused" : "Live", paused ? "warn" : "ok");
  });
})();
