/* Add vehicle: narrows the catalog choices (region -> make -> model -> year; a VIN shows
   the make it decodes to), shows the fields the powertrain has, and sends one control
   call, POST …/vehicles (mockcar/web/control/vehicle_creation.py); then shows the tokens
   (connected) or the credentials and a Connect link (not connected). */
(function () {
  "use strict";
  const form = document.getElementById("add-vehicle");
  if (!form || !window.mockcar) return;
  const $ = function (id) { return document.getElementById(id); };
  const region = $("region");
  const make = $("make");
  const model = $("model");
  const year = $("year");
  const powertrain = $("powertrain");
  const vin = $("vin");
  const result = $("result");
  const makeOptions = Array.from(make.options);
  const modelOptions = Array.from(model.options);
  const wmis = new Map((form.dataset.wmis || "").split(" ").filter(Boolean).map(function (pair) {
    return pair.split("=");
  }));

  function checked(name) {
    const found = form.querySelector('input[name="' + name + '"]:checked');
    return found ? found.value : null;
  }

  function identify() { return checked("identify"); }

  /* Show only the options that fit; keep the selection when it still fits. */
  function narrow(select, options, keep) {
    const current = select.value;
    select.replaceChildren.apply(select, options.filter(keep));
    if (options.some(function (o) { return o.value === current && keep(o); })) select.value = current;
    else if (select.options.length) select.selectedIndex = 0;
  }

  function fillYears() {
    const line = model.selectedOptions[0];
    const current = year.value;
    year.replaceChildren();
    if (!line) return;
    for (let y = Number(line.dataset.last); y >= Number(line.dataset.first); y -= 1) {
      const option = document.createElement("option");
      option.value = String(y);
      option.textContent = String(y);
      year.appendChild(option);
    }
    if (current && Array.from(year.options).some(function (o) { return o.value === current; })) year.value = current;
  }

  function onRegion() {
    narrow(make, makeOptions, function (o) { return o.dataset.regions.split(" ").includes(region.value); });
    onMake();
  }

  function onMake() {
    narrow(model, modelOptions, function (o) {
      return o.dataset.make === make.value && o.dataset.regions.split(" ").includes(region.value);
    });
    onModel();
  }

  function onModel() {
    fillYears();
    const line = model.selectedOptions[0];
    if (line && identify() === "catalog") powertrain.value = line.dataset.powertrain;
    onPowertrain();
  }

  function onPowertrain() {
    const kind = powertrain.value;
    const battery = kind === "BEV" || kind === "PHEV";
    const fuel = kind !== "BEV";
    for (const element of form.querySelectorAll('[data-needs="battery"]')) {
      element.hidden = !battery;
      const input = element.querySelector("input");
      if (input) input.disabled = !battery;
    }
    for (const element of form.querySelectorAll('[data-needs="fuel"]')) {
      element.hidden = !fuel;
      element.querySelector("input").disabled = !fuel;
    }
    const start = form.querySelector('input[name="start"]:checked');
    if (start && start.disabled) form.querySelector('input[name="start"][value="parked"]').checked = true;
    powertrain.disabled = identify() === "catalog";
  }

  function decodedMake() {
    const key = wmis.get(vin.value.trim().toUpperCase().slice(0, 3));
    return key ? makeOptions.find(function (o) { return o.dataset.key === key; }) : null;
  }

  function onVin() {
    const text = vin.value.trim();
    const out = $("vin-decoded");
    if (text.length < 3) { out.textContent = ""; return; }
    const found = decodedMake();
    out.textContent = found ? "Decodes to " + found.textContent + "." : "Unknown maker: mockcar will refuse this VIN.";
  }

  function onIdentify() {
    const how = identify();
    for (const element of form.querySelectorAll("[data-when]")) {
      element.hidden = element.dataset.when !== how;
      for (const field of element.querySelectorAll("input, select")) field.disabled = element.hidden;
    }
    if (how === "catalog") onModel();
    else onPowertrain();
  }

  function onOwner() {
    const existing = checked("owner_kind") === "existing";
    const box = form.querySelector('[data-when-owner="existing"]');
    box.hidden = !existing;
    $("owner-email").disabled = !existing;
    $("owner-email").required = existing;
  }

  region.addEventListener("change", onRegion);
  make.addEventListener("change", onMake);
  model.addEventListener("change", onModel);
  powertrain.addEventListener("change", onPowertrain);
  vin.addEventListener("input", onVin);
  for (const radio of form.querySelectorAll('input[name="identify"]')) radio.addEventListener("change", onIdentify);
  for (const radio of form.querySelectorAll('input[name="owner_kind"]')) radio.addEventListener("change", onOwner);

  /* -- the control call ------------------------------------------------------------ */

  function body() {
    const vehicle = {};
    const kind = powertrain.value;
    vehicle.region = region.value;
    if (identify() === "vin") {
      vehicle.vin = vin.value.trim().toUpperCase();
    } else {
      vehicle.make = make.value;
      vehicle.model = model.value;
      vehicle.year = Number(year.value);
    }
    vehicle.powertrain = kind;
    if (kind === "BEV" || kind === "PHEV") vehicle.battery = { level: Number($("battery").value) / 100 };
    if (kind !== "BEV") vehicle.fuel = { level: Number($("fuel").value) / 100 };
    const start = form.querySelector('input[name="start"]:checked');
    if (start.value === "charging") {
      vehicle.plugged_in = true;
      vehicle.charging = true;
      // Charging from now on, at a home wallbox's power (11 kW; a plug-in hybrid takes
      // 7.4): the level climbs as the World's clock runs, up to the charge limit.
      vehicle.timeline = {
        segments: [{ kind: "charging", power: kind === "BEV" ? 11 : 7.4 }],
        start: mockcar.clockNow().toISOString(), repeat: false,
      };
    } else {
      // Any other start is unplugged: left out, mockcar draws a plug-in car's cable at
      // random, and a "Parked" car was found charging.
      if (kind === "BEV" || kind === "PHEV") {
        vehicle.plugged_in = false;
        vehicle.charging = false;
      }
      // The trip starts now, from the levels chosen here (a profile left to itself
      // starts the day before, finding the car mid-routine).
      if (start.dataset.profile) vehicle.timeline = { profile: start.dataset.profile, start: mockcar.clockNow().toISOString() };
    }
    const payload = { vehicle: vehicle };
    if (checked("owner_kind") === "existing") payload.owner = $("owner-email").value.trim();
    const application = $("application");
    if (application && checked("connected") === "yes") payload.connect = { application: application.value };
    return payload;
  }

  function snippet(car, connection) {
    return [
      "import smartcar",
      "",
      'vehicle = smartcar.Vehicle("' + car.id + '", "' + connection.access_token + '")',
      "print(vehicle.attributes())",
      car.state.battery_level !== null ? "print(vehicle.battery())" : "print(vehicle.fuel())",
    ].join("\n");
  }

  function show(car) {
    const name = car.year + " " + (makeOptions.find(function (o) { return o.value === car.make; }) || { textContent: car.make }).textContent + " " + car.model;
    $("result-heading").textContent = name + " added";
    const link = $("result-vehicle");
    link.href = mockcar.page("/vehicles/" + car.id);
    link.textContent = "Open " + name;
    $("result-id").textContent = car.id;
    const connection = car.connection;
    $("result-connected").hidden = !connection;
    $("result-disconnected").hidden = !!connection;
    if (connection) {
      const application = $("application");
      $("result-application").textContent = application.selectedOptions[0].textContent;
      $("result-access-token").textContent = connection.access_token;
      $("result-refresh-token").textContent = connection.refresh_token;
      $("result-expires").textContent = mockcar.format.time(connection.access_expires_at);
      $("result-expires").setAttribute("datetime", connection.access_expires_at);
      $("result-permissions").textContent = connection.permissions.join(", ");
      $("result-snippet").textContent = snippet(car, connection);
    } else {
      $("result-email").textContent = car.credentials.email;
      $("result-password").textContent = car.credentials.password;
      const application = $("application");
      const connect = $("connect-link");
      if (application) {
        const key = car.make.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_|_$/g, "");
        connect.href = application.selectedOptions[0].dataset.connect + "&make=" + encodeURIComponent(key);
        connect.hidden = false;
      } else {
        connect.hidden = true;
      }
    }
    result.hidden = false;
    form.hidden = true;
    result.focus();
    mockcar.announce(name + " added");
  }

  /* What the browser can tell before asking mockcar, shown by the field: the first
     field at fault, or null. A level is a whole percentage the control API takes as a
     fraction, so "150" is refused here in the unit the person typed. */
  function fieldFault() {
    // ISO 3779: 17 letters and digits, without I, O and Q (read as 1 and 0).
    if (identify() === "vin" && !/^[A-HJ-NPR-Z0-9]{17}$/i.test(vin.value.trim())) {
      return [vin, form.querySelector('[data-error-for="vin"]'),
        "A VIN has 17 letters and digits, never I, O or Q (" + vin.value.trim().length + " characters given)."];
    }
    for (const [id, name] of [["battery", "Battery level"], ["fuel", "Fuel level"]]) {
      const input = $(id);
      const value = Number(input.value);
      if (!input.disabled && (input.value.trim() === "" || !Number.isFinite(value) || value < 0 || value > 100)) {
        return [input, $(id + "-error"), name + ": a percentage from 0 to 100."];
      }
    }
    return null;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    mockcar.clearError(form);
    const fault = fieldFault();
    if (fault) {
      mockcar.fieldError(fault[1], fault[2]);
      fault[0].focus();
      return;
    }
    try {
      show(await mockcar.control("POST", "/vehicles", body(), form));
    } catch (_) { /* shown next to the form by mockcar.control */ }
  });

  $("add-another").addEventListener("click", function () {
    result.hidden = true;
    form.hidden = false;
    form.querySelector("select, input").focus();
  });

  onRegion();
  onIdentify();
  onOwner();
})();
