/* Vehicles: keeps each row's one-line state live from the World's stream (GET …/stream?
   vehicles=<the page's ids>: its states event lists them as GET …/vehicles does, sent
   when one changes). The badges are the same as the server draws
   (mockcar/web/dashboard/vehicles.py). */
(function () {
  "use strict";
  // The filters' URL names only what is set (/vehicles?make=FORD, not
  // ?q=&make=FORD&powertrain=&region=): an empty field is left out of the query.
  const filters = document.querySelector("form.filters");
  if (filters) {
    filters.addEventListener("submit", function () {
      for (const field of filters.elements) {
        if (field.name && !field.value.trim()) field.disabled = true;
      }
      // Back from the next page, the form is whole again.
      window.addEventListener("pageshow", function () {
        for (const field of filters.elements) field.disabled = false;
      }, { once: true });
    });
  }
  const table = document.querySelector("[data-vehicle-listing]");
  if (!table || !window.mockcar) return;
  const ids = [...table.querySelectorAll("tr[data-vehicle-id]")].map((row) => row.dataset.vehicleId);

  function badge(text, tone) {
    const span = document.createElement("span");
    span.className = "badge " + (tone === "plain" ? "badge--plain" : "badge--" + tone);
    span.textContent = text;
    return span;
  }

  function stateLine(vehicle) {
    const state = vehicle.state || {};
    const parts = [];
    const battery = state.battery_level;
    const fuel = state.fuel_level;
    if (battery !== null && battery !== undefined) {
      parts.push(["Battery " + Math.round(battery * 100) + " %", battery < 0.15 ? "error" : battery < 0.3 ? "warn" : "ok"]);
    }
    if (fuel !== null && fuel !== undefined) {
      parts.push(["Fuel " + Math.round(fuel * 100) + " %", fuel < 0.1 ? "error" : fuel < 0.2 ? "warn" : "ok"]);
    }
    // As the API's charge state reads: plugged in at or above the limit is full.
    const full = state.plugged_in && battery !== null && battery !== undefined
      && state.charge_limit !== null && state.charge_limit !== undefined && battery >= state.charge_limit;
    if (full) parts.push(["Fully charged", "ok"]);
    else if (state.charging && state.plugged_in) parts.push(["Charging", "info"]);
    else if (state.plugged_in) parts.push(["Plugged in", "plain"]);
    parts.push(state.locked ? ["Locked", "plain"] : ["Unlocked", "warn"]);
    if (state.moving) parts.push([state.speed_kmh ? "Moving " + Math.round(state.speed_kmh) + " km/h" : "Moving", "info"]);
    else parts.push(["Parked", "plain"]);
    return parts;
  }

  function draw(answer) {
    for (const vehicle of answer.vehicles) {
      const row = table.querySelector('tr[data-vehicle-id="' + CSS.escape(vehicle.id) + '"]');
      if (!row) continue;
      const cell = row.querySelector("[data-state]");
      const line = document.createElement("span");
      line.className = "cluster";
      for (const [text, tone] of stateLine(vehicle)) line.appendChild(badge(text, tone));
      if (cell.textContent !== line.textContent) cell.replaceChildren(line);
    }
  }

  if (ids.length) {
    mockcar.follow({ vehicles: ids.join(",") }, function (event) {
      if (event.event === "states") draw(event.data);
    });
  }
})();
