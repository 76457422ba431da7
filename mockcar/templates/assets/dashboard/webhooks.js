/* Webhooks: Re-verify and Send test payload call the control API of the card's
   application (with its management token); the delivery log is watched through the
   World's stream (GET …/stream?deliveries=<seq>: the attempts after seq, sent when new
   ones come) and the page reloads once the attempts an action caused have arrived. The
   page keeps no state. */
(function () {
  "use strict";
  if (!window.mockcar) return;

  async function call(section, method, path, body, source) {
    const init = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    // None on a page opened with the control token: the browser sends that itself.
    if (section.dataset.auth) init.headers.Authorization = section.dataset.auth;
    if (method !== "GET") {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    let response;
    try {
      response = await fetch(section.dataset.control + path, init);
    } catch (_) {
      const failure = new mockcar.ControlFailure(0, { message: "mockcar did not answer (is the server running?)." });
      if (source) mockcar.showError(source, failure);
      throw failure;
    }
    const text = await response.text();
    let answer = null;
    try { answer = text ? JSON.parse(text) : null; } catch (_) { answer = { message: text }; }
    if (!response.ok) {
      const failure = new mockcar.ControlFailure(response.status, answer);
      if (source) mockcar.showError(source, failure);
      throw failure;
    }
    if (source) mockcar.clearError(source);
    return answer;
  }

  const sections = [...document.querySelectorAll("[data-webhook-app]")];
  const watchers = [];
  for (const section of sections) {
    const since = Number(section.dataset.since) || 0;
    const mine = new Set([...section.querySelectorAll("[data-webhook-id]")].map((card) => card.dataset.webhookId));
    let expecting = false;  // an action here is waiting for its attempts
    let arrived = 0;  // attempts since the page was drawn, as the stream last told
    // After an action: reload when its attempts are in (they may have come already).
    const expect = () => { expecting = true; if (arrived) window.location.reload(); };
    const notice = section.querySelector("[data-new-deliveries]");
    const noticeText = section.querySelector("[data-new-deliveries-text]");

    section.querySelector("[data-reload]").addEventListener("click", function () { window.location.reload(); });

    // The attempts of this application's webhooks since the page was drawn.
    watchers.push(function (deliveries) {
      const found = deliveries.filter((a) => mine.has(a.webhook_id) && a.seq > since);
      arrived = found.length;
      if (!found.length) return;
      if (expecting) { window.location.reload(); return; }
      noticeText.textContent = found.length + " new delivery attempt" + (found.length === 1 ? "" : "s") + ".";
      notice.hidden = false;
    });

    for (const card of section.querySelectorAll("[data-webhook-id]")) {
      const id = encodeURIComponent(card.dataset.webhookId);
      const result = card.querySelector("[data-webhook-result]");
      const verify = card.querySelector("[data-webhook-verify]");
      const test = card.querySelector("[data-webhook-test]");
      const vehicle = card.querySelector("[data-webhook-test-vehicle]");

      verify.addEventListener("click", async function () {
        try {
          const answer = await call(section, "POST", "/webhooks/" + id + "/verify", {}, verify);
          const badge = card.querySelector("[data-verification]");
          badge.textContent = "Challenge sent";
          badge.className = "badge badge--info";
          result.textContent = "VERIFY challenge sent to " + answer.url + "; waiting for the answer…";
          mockcar.announce("Challenge sent");
          expect();
        } catch (_) { /* shown on the card */ }
      });

      test.addEventListener("click", async function () {
        const body = vehicle && vehicle.value ? { vehicle_id: vehicle.value } : {};
        try {
          const answer = await call(section, "POST", "/webhooks/" + id + "/test", body, test);
          result.textContent = "Test payload " + answer.event_id + " (" + answer.event_type + ", vehicle " + answer.vehicle_id + ") queued; waiting for the delivery…";
          mockcar.announce("Test payload queued");
          expect();
        } catch (_) { /* shown on the card */ }
      });
    }
  }
  if (sections.length) {
    const since = Math.min(...sections.map((section) => Number(section.dataset.since) || 0));
    mockcar.follow({ deliveries: since }, function (event) {
      if (event.event !== "deliveries") return;
      for (const watch of watchers) watch(event.data.deliveries);
    });
  }
})();
