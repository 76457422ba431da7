/* mockcar dashboard: the helpers every page uses, as window.mockcar.
 *
 *   mockcar.control(method, path, body, source)  -> Promise of the JSON answer.
 *       Calls the control API of the page's World ("/clock/advance" goes to
 *       /_mockcar/clock/advance, or /_mockcar/applications/{id}/clock/advance); a path
 *       starting with /_mockcar is taken as is. On an error the control API's message
 *       is shown next to `source` (the button or form that caused it) and the promise
 *       rejects with a mockcar.ControlFailure.
 *   mockcar.stream(path, onEvent, options)       -> {close()}: server-sent events from a
 *       control path (fetch, so an application's World sends its credentials), with
 *       reconnection. onEvent({event, data, id}); data is parsed JSON when it parses.
 *       options.whileVisible: closed while the tab is hidden, reopened (with the
 *       Last-Event-ID it had) when it shows again.
 *   mockcar.follow(params, onEvent)              : the page's views follow the World's
 *       stream (GET …/stream?params, mockcar.web.control.world_stream): onEvent gets its
 *       events (readings, states, ...). One stream per page, shared with the clock.
 *   mockcar.onClock(fn)                          : fn(clock, jumped) after each clock
 *       reading; jumped is true when the World's time moved other than by running.
 *   mockcar.format.*                              : percent, number, distance, time, ...
 *   mockcar.announce(text)                       : tell screen readers.
 *   mockcar.fieldError(slot, text)               : text in a [data-error-for] slot, the
 *       field of its .field marked aria-invalid (mockcar.clearError(form) clears both).
 *
 * Declarative wiring, no script needed on the page:
 *   <button data-copy="text">            copies the text (or data-copy-from="#id")
 *   <button data-action="POST /path" data-body='{"a":1}' data-then="reload">
 *   <form data-control-form="POST /vehicles" data-then="reload|event">
 *       fields become a JSON object: data-type="number|boolean|json|list" on a field
 *       converts its value; empty fields are left out. The form then fires
 *       "mockcar:done" with the answer in event.detail.
 */
(function () {
  "use strict";

  const body = document.body;
  const controlBase = body.dataset.controlBase || "/_mockcar";
  const pageBase = body.dataset.pageBase || "";
  const authMeta = document.querySelector('meta[name="mockcar-control-auth"]');
  const auth = authMeta ? authMeta.content : null;

  class ControlFailure extends Error {
    constructor(status, answer) {
      const message = (answer && (answer.message || answer.error_description || answer.error))
        || ("The control API answered " + status + ".");
      super(message);
      this.status = status;
      this.answer = answer;
      this.problems = (answer && answer.problems) || [];
    }
  }

  function controlUrl(path) {
    if (path.startsWith("/_mockcar") || path.startsWith("http")) return path;
    return controlBase + (path.startsWith("/") ? path : "/" + path);
  }

  function headers(extra) {
    const result = Object.assign({ Accept: "application/json" }, extra || {});
    if (auth) result.Authorization = auth;
    return result;
  }

  /* Where an error of `source` is shown: a [data-error-for] naming its id, the
     .control-error of its closest form or [data-control-scope], or a new one after it. */
  function errorSlot(source) {
    if (!source) return null;
    if (source.id) {
      const named = document.querySelector('[data-error-for="' + CSS.escape(source.id) + '"]');
      if (named) return named;
    }
    const scope = source.closest("form, [data-control-scope]");
    if (scope) {
      const inside = scope.querySelector(":scope .control-error:not([data-error-for])");
      if (inside) return inside;
    }
    const made = document.createElement("p");
    made.className = "control-error";
    made.setAttribute("role", "alert");
    made.hidden = true;
    (scope || source).insertAdjacentElement(scope ? "beforeend" : "afterend", made);
    return made;
  }

  function showError(source, failure) {
    // What the last try said goes first: a field fixed since shows no stale error.
    clearError(source);
    const slot = errorSlot(source);
    if (!slot) return;
    // The problems follow on the page, so the API's pointer to them ("…; see
    // `problems`.") reads as a colon.
    const problems = failure.problems || [];
    const message = problems.length ? failure.message.replace(/[;,.]?\s*see `problems`\.?$/, ":") : failure.message;
    slot.textContent = [message].concat(problems).join(" ");
    slot.hidden = false;
    if (!slot.id) slot.id = "control-error-" + Math.random().toString(36).slice(2, 9);
    if (source && source.setAttribute && source.tagName !== "FORM") source.setAttribute("aria-describedby", slot.id);
    // A problem naming a field ("vehicle.battery.level: ...") shows by that field too,
    // in the [data-error-for] slot naming the longest end of its path ("battery.level",
    // else "level"), and the field in the slot's .field is marked invalid.
    const scope = source && source.closest ? source.closest("form, [data-control-scope]") : null;
    for (const problem of failure.problems || []) {
      const path = problem.split(":")[0].trim().split(".");
      for (let from = 0; scope && from < path.length; from += 1) {
        const key = path.slice(from).join(".");
        const near = scope.querySelector('[data-error-for="' + CSS.escape(key) + '"]');
        if (near) { fieldError(near, problem); break; }
      }
    }
  }

  /* Shows `text` in a [data-error-for] slot and marks the field beside it invalid. */
  function fieldError(slot, text) {
    slot.textContent = text;
    slot.hidden = false;
    const field = slot.closest(".field");
    const input = field && field.querySelector("input, select, textarea");
    if (input) input.setAttribute("aria-invalid", "true");
  }

  function clearError(source) {
    const slot = source && errorSlot(source);
    if (slot) { slot.hidden = true; slot.textContent = ""; }
    const scope = source && source.closest ? source.closest("form, [data-control-scope]") : null;
    if (!scope) return;
    for (const near of scope.querySelectorAll("[data-error-for]")) { near.hidden = true; near.textContent = ""; }
    for (const invalid of scope.querySelectorAll('[aria-invalid="true"]')) invalid.removeAttribute("aria-invalid");
  }

  async function control(method, path, payload, source) {
    const init = { method: method, headers: headers(), credentials: "same-origin" };
    if (method !== "GET" && method !== "HEAD") {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload === undefined || payload === null ? {} : payload);
    }
    const busy = source && source.tagName === "FORM"
      ? source.querySelector('[type="submit"]') : source;
    if (busy && busy.setAttribute) busy.setAttribute("aria-busy", "true");
    try {
      let answer;
      let response;
      try {
        response = await fetch(controlUrl(path), init);
      } catch (network) {
        throw new ControlFailure(0, { message: "mockcar did not answer (is the server running?)." });
      }
      const text = await response.text();
      try { answer = text ? JSON.parse(text) : null; } catch (_) { answer = { message: text }; }
      if (!response.ok) throw new ControlFailure(response.status, answer);
      clearError(source);
      if (method !== "GET") document.dispatchEvent(new CustomEvent("mockcar:changed", { detail: { method, path, answer } }));
      return answer;
    } catch (failure) {
      if (failure instanceof ControlFailure) showError(source, failure);
      throw failure;
    } finally {
      if (busy && busy.removeAttribute) busy.removeAttribute("aria-busy");
    }
  }

  /* -- server-sent events over fetch ------------------------------------------------- */

  function stream(path, onEvent, options) {
    const opts = Object.assign({ retry: 2000, onOpen: null, onError: null, whileVisible: false }, options || {});
    let controller = null;
    let closed = false;
    let lastId = null;
    let timer = null;
    let running = 0;  // the connection now reading; 0: none
    let connections = 0;

    // Browsers allow about six connections per origin, shared by every tab: a hidden
    // tab's stream is closed, and opened again (from its Last-Event-ID) when it shows.
    function onVisibility() {
      if (closed) return;
      if (document.visibilityState === "hidden") {
        clearTimeout(timer);
        running = 0;
        if (controller) controller.abort();
      } else if (!running) {
        clearTimeout(timer);
        connect();
      }
    }
    if (opts.whileVisible) document.addEventListener("visibilitychange", onVisibility);

    async function connect() {
      if (closed || (opts.whileVisible && document.visibilityState === "hidden")) return;
      const mine = running = ++connections;
      let wait = opts.retry;
      controller = new AbortController();
      const extra = { Accept: "text/event-stream" };
      if (lastId) extra["Last-Event-ID"] = lastId;
      try {
        const response = await fetch(controlUrl(path), { headers: headers(extra), signal: controller.signal, credentials: "same-origin" });
        if (!response.ok || !response.body) {
          const failure = new Error("stream answered " + response.status);
          failure.status = response.status;
          // Refused (gone, bad credentials): asked again, but seldom.
          if (response.status >= 400 && response.status < 500) wait = Math.max(wait, 15000);
          throw failure;
        }
        if (opts.onOpen) opts.onOpen();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            dispatch(block);
          }
        }
      } catch (error) {
        if (closed || running !== mine) return;  // closed, or hidden meanwhile
        if (opts.onError) opts.onError(error);
      }
      if (closed || running !== mine) return;
      running = 0;
      timer = setTimeout(connect, wait);
    }

    function dispatch(block) {
      const event = { event: "message", data: "", id: null };
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "data") data.push(value);
        else if (field === "event") event.event = value;
        else if (field === "id") { event.id = value; lastId = value; }
        else if (field === "retry" && /^\d+$/.test(value)) opts.retry = Number(value);
      }
      if (!data.length) return;
      event.data = data.join("\n");
      try { event.data = JSON.parse(event.data); } catch (_) { /* text */ }
      onEvent(event);
    }

    connect();
    return {
      close() {
        closed = true;
        clearTimeout(timer);
        document.removeEventListener("visibilitychange", onVisibility);
        if (controller) controller.abort();
      },
    };
  }

  /* -- formatting -------------------------------------------------------------------- */

  const format = {
    number(value, digits) {
      if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
      return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
    },
    percent(fraction) {  // 0.42 -> "42 %"
      if (fraction === null || fraction === undefined) return "–";
      return format.number(Number(fraction) * 100, 0) + " %";
    },
    distance(km) { return km === null || km === undefined ? "–" : format.number(km, 0) + " km"; },
    bytes(n) { return n < 1024 ? n + " B" : format.number(n / 1024, 1) + " KiB"; },
    // The World's time in the reader's locale, with the UTC offset the World uses.
    time(iso) {
      if (!iso) return "–";
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;
      return date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone: "UTC" }) + " UTC";
    },
    duration(ms) {
      const s = Math.round(Math.abs(ms) / 1000);
      if (s < 60) return s + " s";
      if (s < 3600) return Math.round(s / 60) + " min";
      if (s < 86400) return format.number(s / 3600, 1) + " h";
      return format.number(s / 86400, 1) + " days";
    },
    // "3 min ago" relative to the World's clock (mockcar.clockNow()).
    ago(iso) {
      const then = new Date(iso).getTime();
      if (Number.isNaN(then)) return "–";
      const delta = clockNow().getTime() - then;
      return delta >= 0 ? format.duration(delta) + " ago" : "in " + format.duration(delta);
    },
  };

  /* -- announcements ----------------------------------------------------------------- */

  function announce(text) {
    const region = document.querySelector("[data-announcer]");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 30);
  }

  /* -- copy buttons ------------------------------------------------------------------ */

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "sr-only";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-copy], [data-copy-from]");
    if (!button) return;
    let text = button.dataset.copy;
    if (text === undefined) {
      const from = document.querySelector(button.dataset.copyFrom);
      text = from ? (from.value !== undefined && from.tagName !== "PRE" ? from.value : from.textContent) : "";
    }
    try {
      await copyText(text);
      const label = button.textContent;
      button.dataset.copied = "";
      button.textContent = "Copied";
      announce("Copied to the clipboard");
      setTimeout(function () { button.textContent = label; delete button.dataset.copied; }, 1500);
    } catch (_) {
      announce("Could not copy: select the text and copy it by hand");
    }
  });

  /* -- declarative actions and forms ------------------------------------------------- */

  function then(element, answer) {
    const what = element.dataset.then || "event";
    element.dispatchEvent(new CustomEvent("mockcar:done", { detail: answer, bubbles: true }));
    if (what === "reload") window.location.reload();
    else if (what.startsWith("go:")) window.location.assign(what.slice(3));
  }

  function split(spec) {
    const space = spec.indexOf(" ");
    return [spec.slice(0, space).toUpperCase(), spec.slice(space + 1).trim()];
  }

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-action]");
    if (!button || button.disabled) return;
    event.preventDefault();
    const [method, path] = split(button.dataset.action);
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    let payload = {};
    if (button.dataset.body) payload = JSON.parse(button.dataset.body);
    try { then(button, await control(method, path, payload, button)); } catch (_) { /* shown */ }
  });

  function formValue(field) {
    const kind = field.dataset.type;
    if (field.type === "checkbox") return kind === "boolean" || !field.value || field.value === "on" ? field.checked : (field.checked ? field.value : undefined);
    const raw = field.value;
    if (raw === "" || raw === undefined) return undefined;
    if (kind === "number" || field.type === "number" || field.type === "range") return Number(raw);
    if (kind === "boolean") return raw === "true";
    if (kind === "json") return JSON.parse(raw);
    if (kind === "list") return raw.split(/[\s,]+/).filter(Boolean);
    return raw;
  }

  /* A form's fields as JSON: name "a.b" nests; radio groups give the checked value. */
  function formJson(form) {
    const result = {};
    for (const field of form.elements) {
      if (!field.name || field.disabled || field.closest("fieldset[disabled]")) continue;
      if (field.type === "radio" && !field.checked) continue;
      if (field.type === "submit" || field.type === "button") continue;
      const value = formValue(field);
      if (value === undefined) continue;
      const keys = field.name.split(".");
      let into = result;
      for (const key of keys.slice(0, -1)) into = into[key] = into[key] || {};
      into[keys[keys.length - 1]] = value;
    }
    return result;
  }

  document.addEventListener("submit", async function (event) {
    const form = event.target.closest("form[data-control-form]");
    if (!form) return;
    event.preventDefault();
    const [method, path] = split(form.dataset.controlForm);
    let payload;
    try { payload = formJson(form); } catch (error) {
      showError(form, new ControlFailure(400, { message: "A field holds invalid JSON: " + error.message }));
      return;
    }
    try { then(form, await control(method, path, payload, form)); } catch (_) { /* shown */ }
  });

  /* -- the clock --------------------------------------------------------------------- */

  const clockListeners = [];
  let clockState = null;  // {now: Date, frozen, speed, at: performance.now()}

  function readClock(answer) {
    return { now: new Date(answer.now), frozen: !!answer.frozen, speed: Number(answer.speed) || 1, at: performance.now() };
  }

  function clockNow() {
    if (!clockState) return new Date();
    if (clockState.frozen) return clockState.now;
    return new Date(clockState.now.getTime() + (performance.now() - clockState.at) * clockState.speed);
  }

  function onClock(fn) { clockListeners.push(fn); }

  const widget = document.querySelector("[data-clock]");

  function drawClock() {
    if (!widget || !clockState) return;
    const time = widget.querySelector("[data-clock-time]");
    const now = clockNow();
    time.textContent = format.time(now.toISOString());
    time.setAttribute("datetime", now.toISOString());
  }

  function drawClockState() {
    if (!widget || !clockState) return;
    const state = widget.querySelector("[data-clock-state]");
    const speed = clockState.speed !== 1 ? " ×" + format.number(clockState.speed, 2) : "";
    // The badge is a live region (role=status): written only when it changes, so a
    // screen reader is not told "Running" at every reading of the clock.
    const text = clockState.frozen ? "Frozen" : "Running" + speed;
    if (state.textContent !== text) state.textContent = text;
    state.className = "badge " + (clockState.frozen ? "badge--warn" : "badge--ok");
    const toggle = widget.querySelector("[data-clock-toggle]");
    const action = clockState.frozen ? "Resume" : "Freeze";
    if (toggle.textContent !== action) toggle.textContent = action;
    for (const radio of widget.querySelectorAll("[data-clock-speed]")) {
      radio.checked = Number(radio.value) === clockState.speed;
    }
  }

  function takeClock(answer) {
    const before = clockState ? clockNow().getTime() : null;
    const previous = clockState;
    clockState = readClock(answer);
    // A jump: the World's time is not where running would have put it (advanced, set,
    // frozen or its speed changed here or in another tab, or by a script).
    const jumped = previous !== null && (Math.abs(clockState.now.getTime() - before) > 1500 * Math.max(1, clockState.speed)
      || previous.frozen !== clockState.frozen || previous.speed !== clockState.speed);
    drawClock();
    drawClockState();
    for (const fn of clockListeners) {
      try { fn(answer, jumped); } catch (error) { console.error(error); }
    }
  }

  async function refreshClock() {
    takeClock(await control("GET", "/clock"));
  }

  /* -- the World's stream ------------------------------------------------------------ */

  // One stream per page: the clock widget and the page's own views (mockcar.follow)
  // share it. It sends what each follows at connect, then what changed; the clock only
  // when it jumps (between, the widget runs it here). After a change made from this page
  // it is opened anew, so every view shows the outcome at once.
  const followed = {};
  const followers = [];
  let world = null;

  function follow(params, onEvent) {
    Object.assign(followed, params);
    followers.push(onEvent);
    if (world) openWorld();
  }

  function tell(event) {
    for (const fn of followers) {
      try { fn(event); } catch (error) { console.error(error); }
    }
  }

  function openWorld() {
    if (world) world.close();
    const query = new URLSearchParams(followed).toString();
    world = stream("/stream" + (query ? "?" + query : ""), function (event) {
      if (event.event === "clock") takeClock(event.data);
      tell(event);
    }, {
      whileVisible: true,
      // <body data-live="open">: the page is following the World (tests wait for it).
      onOpen() { body.dataset.live = "open"; },
      // Refused at connect: the followers hear it as the stream's "refused" event
      // (a 404: the vehicle or the application's World is gone).
      onError(error) {
        body.dataset.live = "closed";
        if (error.status) tell({ event: "refused", data: { status: error.status }, id: null });
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (widget || followers.length) openWorld();
  });
  document.addEventListener("mockcar:changed", function () { if (world) openWorld(); });

  if (widget) {
    clockState = readClock({ now: widget.dataset.now, frozen: widget.dataset.frozen === "true", speed: widget.dataset.speed });
    drawClock();
    setInterval(drawClock, 1000);
    const panel = widget.querySelector(".clock__panel");
    const menu = widget.querySelector(".clock__controls");
    // The panel closes as a menu does: Escape (focus back on its button) or a click
    // elsewhere on the page.
    menu.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.open) return;
      event.preventDefault();
      menu.open = false;
      menu.querySelector("summary").focus();
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    widget.querySelector("[data-clock-toggle]").addEventListener("click", async function (event) {
      const path = clockState && clockState.frozen ? "/clock/unfreeze" : "/clock/freeze";
      try { takeClock(await control("POST", path, {}, event.currentTarget)); announce(clockState.frozen ? "Clock frozen" : "Clock running"); } catch (_) { /* shown */ }
    });
    for (const button of widget.querySelectorAll("[data-clock-advance]")) {
      button.addEventListener("click", async function () {
        const [unit, amount] = button.dataset.clockAdvance.split("=");
        try { takeClock(await control("POST", "/clock/advance", { [unit]: Number(amount) }, button)); announce("Clock advanced by " + button.textContent); } catch (_) { /* shown */ }
      });
    }
    widget.querySelector("[data-clock-custom]").addEventListener("submit", async function (event) {
      event.preventDefault();
      const form = event.currentTarget;
      const payload = { [form.elements.unit.value]: Number(form.elements.amount.value) };
      try { takeClock(await control("POST", "/clock/advance", payload, form)); announce("Clock advanced"); } catch (_) { /* shown */ }
    });
    for (const radio of widget.querySelectorAll("[data-clock-speed]")) {
      radio.addEventListener("change", async function () {
        try { takeClock(await control("POST", "/clock/speed", { speed: Number(radio.value) }, panel)); announce("Clock speed " + radio.value + "×"); } catch (_) { /* shown */ }
      });
    }
  }

  window.mockcar = {
    control, controlUrl, stream, follow, format, announce, copyText, onClock, clockNow,
    refreshClock, formJson, showError, clearError, fieldError, ControlFailure,
    page(path) { return !pageBase ? path : (path === "/" ? pageBase : pageBase + path); },
  };
  document.dispatchEvent(new CustomEvent("mockcar:ready"));
})();
