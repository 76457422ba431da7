/* One vehicle's page: keeps the gauges, map marker, timeline, connections, faults and
 * webhooks live from the World's stream (GET …/stream?vehicle={id}: its readings,
 * timeline, connections, webhooks and faults events carry what GET …/vehicles/{id}/
 * readings, /timeline, /connections, /webhooks and GET …/faults answer, sent when they
 * change), and does every action through the control API (POST …/state,
 * …/timeline/pause|play|next, …/connections/revoke). Nothing is kept here: each event
 * redraws from what the server sent. The texts are built as mockcar/web/dashboard/
 * vehicle_page.py builds them for the first render. */
(function () {
  "use strict";
  const root = document.querySelector("[data-vehicle]");
  if (!root || !window.mockcar) return;
  const mc = window.mockcar;
  const base = root.dataset.vehicleControl;  // /_mockcar[/applications/{id}]/vehicles/{id}
  const imperial = root.dataset.imperial === "true";
  const lowTire = Number(root.dataset.lowTire);
  const DELIVERIES_SHOWN = 10;  // as the page's first render (vehicle_page.DELIVERIES_SHOWN)
  const KM_PER_MILE = 1.609344;
  const KPA_PER_PSI = 6.894757;
  const NAMES = { frontLeft: "front left", frontRight: "front right", backLeft: "back left",
    backRight: "back right", rear: "trunk", front: "frunk / hood", sunroof: "sunroof",
    chargingPort: "charge port" };
  const CHARGE_STATES = { CHARGING: "Charging", FULLY_CHARGED: "Fully charged",
    NOT_CHARGING: "Not charging" };
  const KINDS = { parked: "Parked", driving: "Driving", charging: "Charging", asleep: "Asleep" };

  const moment = (iso) => iso.slice(0, 19).replace("T", " ") + " UTC";
  const whole = (v) => Math.round(v).toLocaleString("en-US");
  const percent = (f) => Math.round(f * 100) + " %";
  const distance = (km) => whole(km) + " km" + (imperial ? " · " + whole(km / KM_PER_MILE) + " mi" : "");
  const pressure = (kpa) => whole(kpa) + " kPa" + (imperial ? " · " + (kpa / KPA_PER_PSI).toFixed(1) + " psi" : "");
  function opened(list) {
    const open = list.filter((o) => o.status === "OPEN").map((o) => NAMES[o.type] || o.type);
    return open.length ? "Open: " + open.join(", ") : "All closed";
  }

  function texts(r) {
    const t = {};
    if (r.battery) {
      t["battery.percent"] = percent(r.battery.percent_remaining);
      t["battery.range"] = distance(r.battery.range_km);
    }
    if (r.fuel) {
      t["fuel.percent"] = percent(r.fuel.percent_remaining);
      t["fuel.range"] = distance(r.fuel.range_km);
    }
    if (r.charge) {
      t["charge.state"] = CHARGE_STATES[r.charge.state] || r.charge.state;
      t["charge.plug"] = r.charge.is_plugged_in ? "Plugged in" : "Unplugged";
      t["charge.power"] = r.charge.power_kw.toFixed(1) + " kW";
      t["charge.limit"] = percent(r.charge.charge_limit);
      const port = r.security.charging_port || [];
      t["charge.port"] = "port " + (port.length && port[0].status === "OPEN" ? "open" : "closed");
    }
    t.odometer = distance(r.odometer_km);
    t.position = r.location.latitude.toFixed(5) + ", " + r.location.longitude.toFixed(5);
    t.heading = r.heading === null ? "–" : Math.round(r.heading) + "°";
    t.motion = (r.moving ? "Driving at " + whole(r.speed_kmh) + " km/h" : "Parked") + (r.asleep ? " · asleep" : "");
    t.lock = r.security.is_locked ? "Locked" : "Unlocked";
    t.doors = opened(r.security.doors);
    t.windows = opened(r.security.windows.concat(r.security.sunroof || []));
    t.storage = opened(r.security.storage);
    for (const [key, kpa] of Object.entries(r.tire_pressures_kpa)) {
      t["tires." + key] = pressure(kpa) + (kpa < lowTire ? " (low)" : "");
    }
    t.oil = r.oil_life === null ? "–" : percent(r.oil_life);
    if (r.virtual_key_paired !== null && r.virtual_key_paired !== undefined) {
      t.virtual_key = r.virtual_key_paired ? "Paired" : "Not paired";
    }
    t.data_at = moment(r.data_at);
    return t;
  }

  function showReadings(r) {
    const t = texts(r);
    for (const el of root.querySelectorAll("[data-r]")) {
      const value = t[el.dataset.r];
      if (value !== undefined && el.textContent !== value) el.textContent = value;
    }
    const meters = { battery: r.battery && r.battery.percent_remaining,
      fuel: r.fuel && r.fuel.percent_remaining, oil: r.oil_life };
    for (const el of root.querySelectorAll("[data-meter]")) {
      const value = meters[el.dataset.meter];
      if (value !== null && value !== undefined) el.value = value;
    }
    const lock = root.querySelector('[data-badge="lock"]');
    if (lock) {
      lock.classList.toggle("badge--ok", r.security.is_locked);
      lock.classList.toggle("badge--warn", !r.security.is_locked);
    }
    followReadings(r);
    for (const svg of root.querySelectorAll("[data-map]")) {
      const marker = svg.querySelector("[data-marker]");
      const scale = Number(svg.dataset.scale);
      const x = (r.location.longitude - Number(svg.dataset.west)) * Number(svg.dataset.coslat) * scale;
      const y = (Number(svg.dataset.north) - r.location.latitude) * scale;
      marker.setAttribute("cx", x.toFixed(1));
      marker.setAttribute("cy", y.toFixed(1));
      // The frame was drawn around where the car was; moved by hand far enough, it
      // leaves it, and the page says so rather than showing a map without it.
      const box = svg.viewBox.baseVal;
      const outside = x < 0 || y < 0 || x > box.width || y > box.height;
      const note = svg.parentElement.querySelector("[data-outside]");
      if (note) note.hidden = !outside;
    }
  }

  function stageText(s) {
    const parts = [KINDS[s.kind] || s.kind];
    if (s.kind === "driving") parts.push(s.distance_km.toFixed(1) + " km at " + Math.round(s.speed_kmh || 0) + " km/h");
    if (s.kind === "charging" && s.power_kw) parts.push(s.power_kw + " kW charger");
    parts.push(s.starts_at.slice(11, 16) + "–" + (s.ends_at ? s.ends_at.slice(11, 16) : "on") + " UTC");
    return parts.join(" · ");
  }

  function badge(text, kind) {
    const span = document.createElement("span");
    span.className = "badge badge--" + kind;
    span.textContent = text;
    return span;
  }

  function showTimeline(tl) {
    const list = root.querySelector("[data-stages]");
    if (!list || !tl.has_timeline) return;
    const items = tl.stages.map((s) => {
      const li = document.createElement("li");
      li.textContent = stageText(s);
      if (s.index === tl.current) {
        li.setAttribute("aria-current", "step");
        li.className = "stages__now";
        li.append(" ", badge("Now", "info"));
      } else if (s.index === tl.next) {
        li.append(" ", badge("Next", "plain"));
      }
      return li;
    });
    list.replaceChildren(...items);
    const state = root.querySelector("[data-timeline-state]");
    if (state) {
      state.textContent = tl.paused ? "Paused" : "Playing";
      state.className = "badge " + (tl.paused ? "badge--warn" : "badge--ok");
    }
    const toggle = root.querySelector("[data-timeline-toggle]");
    if (toggle) {
      toggle.dataset.paused = tl.paused ? "true" : "false";
      toggle.textContent = tl.paused ? "Play" : "Pause";
    }
  }

  function cell(label, text, extra) {
    const td = document.createElement("td");
    td.dataset.label = label;
    td.textContent = text;
    if (extra) td.className = extra;
    return td;
  }

  function timeCell(label, iso) {
    const td = cell(label, iso ? "" : "–", "small");
    if (iso) td.append(Object.assign(document.createElement("time"), { dateTime: iso, textContent: moment(iso) }));
    return td;
  }

  function table(headings, rows) {
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    const tableEl = document.createElement("table");
    tableEl.className = "table--stack";
    const head = document.createElement("tr");
    for (const h of headings) {
      const th = document.createElement("th");
      th.scope = "col";
      if (h === "") {
        const hidden = document.createElement("span");
        hidden.className = "sr-only";
        hidden.textContent = "Action";
        th.append(hidden);
      } else th.textContent = h;
      head.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    const body = document.createElement("tbody");
    body.append(...rows);
    tableEl.append(thead, body);
    wrap.append(tableEl);
    return wrap;
  }

  function note(text) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = text;
    return p;
  }

  // A list is not redrawn under a keyboard user's focus: what came meanwhile is held
  // and drawn when focus leaves it.
  const held = {};

  function showConnections(answer, force) {
    const box = root.querySelector("[data-connections]");
    if (box && !force && box.contains(document.activeElement)) { held.connections = answer; return; }
    delete held.connections;
    if (!box) return;
    if (!answer.connections.length) {
      box.replaceChildren(note("No application is connected to this vehicle."));
      return;
    }
    const rows = answer.connections.map((c) => {
      const tr = document.createElement("tr");
      const name = c.application || c.client_id;
      const action = cell("Action", "");
      action.dataset.controlScope = "";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--danger button--small";
      button.dataset.revoke = c.client_id;
      button.setAttribute("aria-label", "Revoke " + name + "'s access");
      button.textContent = "Revoke";
      const error = document.createElement("p");
      error.className = "control-error";
      error.setAttribute("role", "alert");
      error.hidden = true;
      action.append(button, error);
      tr.append(cell("Application", name), cell("Owner", c.owner || c.user_id),
        cell("Mode", c.mode), cell("Permissions", c.permissions.join(", "), "small"),
        timeCell("Connected", c.connected_at), action);
      return tr;
    });
    box.replaceChildren(table(["Application", "Owner", "Mode", "Permissions", "Connected", ""], rows));
  }

  function actionButton(attribute, id, text, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small";
    button.setAttribute(attribute, id);
    button.setAttribute("aria-label", label);
    button.textContent = text;
    const error = document.createElement("p");
    error.className = "control-error";
    error.setAttribute("role", "alert");
    error.hidden = true;
    return [button, error];
  }

  function showWebhooks(answer, force) {
    const box = root.querySelector("[data-webhooks]");
    if (box && !force && box.contains(document.activeElement)) { held.webhooks = answer; return; }
    delete held.webhooks;
    if (!box) return;
    const parts = [];
    if (answer.webhooks.length) {
      const ul = document.createElement("ul");
      ul.className = "plain-list";
      for (const w of answer.webhooks) {
        const li = document.createElement("li");
        li.dataset.controlScope = "";
        const label = w.verification.charAt(0).toUpperCase() + w.verification.slice(1);
        li.append(w.name + " ", Object.assign(document.createElement("span"),
          { className: "muted", textContent: "(" + w.application + ", " + w.version + ")" }),
        " · ", badge(label, w.verification === "verified" ? "ok" : "warn"), " ",
        ...actionButton("data-unsubscribe", w.id, "Unsubscribe", "Unsubscribe from " + w.name));
        ul.append(li);
      }
      parts.push(ul);
    } else parts.push(note("Not subscribed to any webhook."));
    if (answer.available.length) {
      const ul = document.createElement("ul");
      ul.className = "plain-list";
      for (const w of answer.available) {
        const li = document.createElement("li");
        li.dataset.controlScope = "";
        li.append(w.name + " ", Object.assign(document.createElement("span"),
          { className: "muted", textContent: "(" + w.application + ")" }), " ",
        ...actionButton("data-subscribe", w.id, "Subscribe", "Subscribe to " + w.name));
        ul.append(li);
      }
      parts.push(ul);
    }
    const h3 = document.createElement("h3");
    h3.textContent = "Recent deliveries";
    parts.push(h3);
    // A subscribe or unsubscribe answers the control API's default number of deliveries.
    const deliveries = answer.deliveries.slice(0, DELIVERIES_SHOWN);
    if (deliveries.length) {
      parts.push(table(["Sent", "Event", "Attempt", "Outcome", "Status"], deliveries.map((d) => {
        const tr = document.createElement("tr");
        const outcome = cell("Outcome", d.outcome);
        if (d.detail) {
          outcome.append(" ", Object.assign(document.createElement("span"),
            { className: "small muted delivery__detail", textContent: d.detail }));
        }
        tr.append(timeCell("Sent", d.sent_at), cell("Event", d.event_type),
          cell("Attempt", String(d.attempt)), outcome,
          cell("Status", d.status === null ? "–" : String(d.status)));
        return tr;
      })));
    } else parts.push(note("No delivery about this vehicle yet."));
    box.replaceChildren(...parts);
  }

  // How often a rule fires, in words: as mockcar/web/dashboard/faults_page.py says it.
  function when(f) {
    const parts = [];
    if (f.times !== null) {
      const left = Math.max(0, f.times - f.hits);
      parts.push(f.times + " time" + (f.times !== 1 ? "s" : "") + " (" + left + " left)");
    }
    if (f.probability < 1) parts.push(String(Math.round(f.probability * 1000) / 10) + " % of matching requests");
    if (f.start || f.end) parts.push("from " + (f.start || "any time") + " until " + (f.end || "open"));
    return parts.length ? parts : ["every matching request"];
  }

  function showFaults(answer) {
    const list = root.querySelector("[data-faults]");
    if (!list) return;
    const id = root.dataset.vehicle;
    const make = (root.dataset.make || "").toUpperCase();
    const reaching = answer.faults.filter((f) => (f.vehicle_id === null || f.vehicle_id === id)
      && (f.make === null || !make || f.make.toUpperCase() === make));
    const items = reaching.map((f) => {
      const li = document.createElement("li");
      const code = Object.assign(document.createElement("span"),
        { className: "mono", textContent: f.type + (f.code ? ":" + f.code : "") });
      const who = f.vehicle_id ? "this vehicle"
        : f.make ? "every " + (root.dataset.makeName || f.make) : "every vehicle";
      li.append(code, " " + (f.method || "any method") + " " + (f.endpoint || "any endpoint") +
        " · " + who + " · " + when(f).join("; ") + " · hits " + f.hits + " · ",
        badge(f.active ? "Active" : "Used up", f.active ? "error" : "plain"));
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No fault rule reaches this vehicle.";
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  // Gone (404): the World was reset without it, or its application was deleted; the
  // page says so instead of showing its last reading as if it were live.
  function gone(answered404) {
    const notice = root.querySelector("[data-gone]");
    if (notice && notice.hidden !== !answered404) notice.hidden = !answered404;
  }

  function onWorld(event) {
    const data = event.data;
    if (event.event === "readings") { gone(false); showReadings(data); }
    else if (event.event === "timeline") showTimeline(data);
    else if (event.event === "connections") showConnections(data, false);
    else if (event.event === "webhooks") showWebhooks(data, false);
    else if (event.event === "faults") showFaults(data);
    // The vehicle is gone while the page is open (its World too: an error), or was when
    // the stream reconnected.
    else if (event.event === "missing" || (["error", "refused"].includes(event.event) && data.status === 404)) gone(true);
  }

  root.addEventListener("focusout", (event) => {
    for (const [key, selector, show] of [["connections", "[data-connections]", showConnections],
      ["webhooks", "[data-webhooks]", showWebhooks]]) {
      const box = root.querySelector(selector);
      if (held[key] && box && !box.contains(event.relatedTarget)) show(held[key], true);
    }
  });

  // -- actions -------------------------------------------------------------------------

  // A form sends the fields changed since the page showed them (or since its last
  // send), so a value the API changed meanwhile is not set back; unchanged, it sends all.
  const outer = (field) => field.name.split(".")[0];
  function edited(field) {
    if (field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return [...field.options].some((o) => o.selected !== o.defaultSelected);
    return field.value !== field.defaultValue;
  }
  function remember(form) {
    for (const field of form.elements) {
      if (field.type === "checkbox") field.defaultChecked = field.checked;
      else if (field.tagName === "SELECT") for (const o of field.options) o.defaultSelected = o.selected;
      else if (field.dataset.convert) field.defaultValue = field.value;
    }
  }

  function signalBody(form) {
    const body = {};
    const fields = [...form.elements].filter((f) => f.name && f.dataset.convert);
    const changed = new Set(fields.filter(edited).map(outer));
    for (const field of fields) {
      const kind = field.dataset.convert;
      if (changed.size && !changed.has(outer(field))) continue;
      if (kind === "list") {
        body[field.name] = body[field.name] || [];
        if (field.checked) body[field.name].push(field.value);
        continue;
      }
      if (kind === "boolean") { body[field.name] = field.value === "true"; continue; }
      if (field.value === "") continue;
      let value = Number(field.value);
      if (kind === "percent") value = Math.round(value * 1000) / 100000;
      if (kind === "pressures") {
        body[field.name] = body[field.name] || [];
        body[field.name].push(value);
        continue;
      }
      const [name, inner] = field.name.split(".");
      if (inner) {
        body[name] = body[name] || {};
        body[name][inner] = value;
      } else body[name] = value;
    }
    return body;
  }

  // What each signal field shows for a reading, as the page renders it: levels in %,
  // a list of the open ones for a checkbox group, the four pressures in order.
  const tenth = (v) => String(Math.round(v * 10) / 10);
  const openOnes = (list) => list.filter((o) => o.status === "OPEN").map((o) => o.type);
  function fieldValues(r) {
    const tires = r.tire_pressures_kpa;
    const values = {
      odometer_km: String(r.odometer_km), "location.latitude": String(r.location.latitude),
      "location.longitude": String(r.location.longitude), moving: String(r.moving),
      speed_kmh: tenth(r.speed_kmh), heading: r.heading === null ? "" : tenth(r.heading),
      asleep: String(r.asleep), doors_open: openOnes(r.security.doors),
      windows_open: openOnes(r.security.windows), storage_open: openOnes(r.security.storage),
      tire_pressures_kpa: [tires.front_left, tires.front_right, tires.back_left, tires.back_right].map(String),
    };
    if (r.battery) values.battery_level = tenth(r.battery.percent_remaining * 100);
    if (r.charge) {
      values.charge_limit = tenth(r.charge.charge_limit * 100);
      values.plugged_in = String(r.charge.is_plugged_in);
      values.charging = String(r.charge.state === "CHARGING");
      values.charge_port_open = String(r.charge.port_open);
    }
    if (r.fuel) values.fuel_level = tenth(r.fuel.percent_remaining * 100);
    if (r.oil_life !== null) values.oil_life = tenth(r.oil_life * 100);
    if (r.virtual_key_paired !== null && r.virtual_key_paired !== undefined) {
      values.virtual_key_paired = String(r.virtual_key_paired);
    }
    return values;
  }

  // A form nobody is editing shows the values the vehicle has now (the clock, a
  // timeline or an app change them); one being edited keeps what was typed.
  function followReadings(r) {
    const values = fieldValues(r);
    for (const form of root.querySelectorAll("[data-signal-form]")) {
      const fields = [...form.elements].filter((f) => f.name && f.dataset.convert);
      if (form.contains(document.activeElement) || fields.some(edited)) continue;
      let tire = 0;
      for (const field of fields) {
        const value = field.dataset.convert === "pressures"
          ? values.tire_pressures_kpa[tire++] : values[field.name];
        if (value === undefined) continue;
        if (field.type === "checkbox") field.checked = value.includes(field.value);
        else field.value = value;
      }
      remember(form);
    }
  }

  async function setState(body, source, said) {
    try {
      await mc.control("POST", base + "/state", body, source);
      if (source.tagName === "FORM") remember(source);
      mc.announce(said);
    } catch (_) { /* the error is shown next to the control */ }
  }

  root.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-signal-form]");
    if (!form) return;
    event.preventDefault();
    const heading = form.querySelector("h3");
    setState(signalBody(form), form, (heading ? heading.textContent : "Signal") + " set");
  });

  root.addEventListener("click", async (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.setLock) {
      const locked = target.dataset.setLock === "true";
      setState({ locked: locked }, target, locked ? "Locked" : "Unlocked");
    } else if (target.hasAttribute("data-timeline-toggle")) {
      const act = target.dataset.paused === "true" ? "play" : "pause";
      try {
        showTimeline(await mc.control("POST", base + "/timeline/" + act, {}, target));
        mc.announce(act === "play" ? "Timeline playing" : "Timeline paused");
      } catch (_) { /* shown next to the button */ }
    } else if (target.hasAttribute("data-timeline-next")) {
      try {
        showTimeline(await mc.control("POST", base + "/timeline/next", {}, target));
        mc.announce("Next stage");
      } catch (_) { /* shown next to the button */ }
    } else if (target.dataset.subscribe || target.dataset.unsubscribe) {
      const act = target.dataset.subscribe ? "subscribe" : "unsubscribe";
      try {
        const answer = await mc.control("POST", base + "/webhooks/" + act,
          { webhook_id: target.dataset.subscribe || target.dataset.unsubscribe }, target);
        showWebhooks(answer, true);
        mc.announce(act === "subscribe" ? "Subscribed" : "Unsubscribed");
        const heading = document.getElementById("webhooks-title");
        if (heading) { heading.tabIndex = -1; heading.focus(); }
      } catch (_) { /* shown next to the button */ }
    } else if (target.dataset.revoke) {
      const label = target.getAttribute("aria-label") || "Revoke";
      if (!window.confirm(label + "?")) return;
      try {
        await mc.control("POST", base + "/connections/revoke", { client_id: target.dataset.revoke }, target);
        mc.announce("Access revoked");
        // The list is drawn anew from the stream (opened again after a change).
        const heading = document.getElementById("apps-title");
        if (heading) { heading.tabIndex = -1; heading.focus(); }
      } catch (_) { /* shown next to the button */ }
    }
  });

  mc.follow({ vehicle: root.dataset.vehicle, limit: DELIVERIES_SHOWN }, onWorld);
})();
