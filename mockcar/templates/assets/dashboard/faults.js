/* Faults: the add form becomes POST …/faults (the error's "TYPE:CODE" split in two,
   the probability from percent); the control API's answer to a bad rule shows under the
   form, and each problem by the field it names. Removing is a data-action button (dashboard.js). */
(function () {
  "use strict";
  const form = document.querySelector("[data-fault-form]");
  if (!form || !window.mockcar) return;
  const error = form.elements.error;
  const description = form.querySelector("[data-fault-description]");

  function describe() {
    const option = error.selectedOptions[0];
    description.textContent = option ? option.dataset.description : "";
  }
  error.addEventListener("change", describe);
  describe();

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    mockcar.clearError(form);  // a problem fixed since the last try no longer shows
    const [type, code] = error.value.split(":");
    const body = { type: type };
    if (code) body.code = code;
    for (const name of ["method", "endpoint", "vehicle_id", "make", "start", "end", "message"]) {
      const value = form.elements[name].value.trim();
      if (value) body[name] = value;
    }
    for (const name of ["times", "retry_after"]) {
      const value = form.elements[name].value.trim();
      if (value) body[name] = Number(value);
    }
    const percent = form.elements.probability.value.trim();
    if (percent) body.probability = Number(percent) / 100;
    try {
      const rule = await mockcar.control("POST", "/faults", body, form);
      mockcar.announce("Added " + rule.id);
      window.location.reload();
    } catch (_) { /* shown next to the form */ }
  });
})();
