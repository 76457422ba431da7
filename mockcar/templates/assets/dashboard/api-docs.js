/* The interactive API docs: Swagger UI (served by mockcar from /docs/assets/) over this
   server's /openapi.json. A file, not an inline script: the page's CSP is 'self' only. */
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  const failed = document.querySelector("[data-api-docs-error]");
  if (!root) return;
  if (typeof window.SwaggerUIBundle !== "function") {
    failed.textContent = "Swagger UI did not load; the operations are in /openapi.json.";
    failed.hidden = false;
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    // Nothing leaves this origin: no validator badge (it calls validator.swagger.io), and
    // no ?url= or ?configUrl= from the address bar.
    validatorUrl: null,
    queryConfigEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    docExpansion: "none",
    filter: true,
    tryItOutEnabled: false,
    displayRequestDuration: true,
    onComplete: function () { root.dataset.loaded = "true"; name(); },
  });

  // Swagger UI leaves a few controls without an accessible name (the server picker,
  // the tag filter): name them, and again whenever it redraws.
  const NAMES = { "#servers": "Server", ".operation-filter-input": "Filter operations by tag" };
  let pending = false;
  function name() {
    pending = false;
    for (const [selector, label] of Object.entries(NAMES)) {
      for (const element of root.querySelectorAll(selector)) {
        if (!element.getAttribute("aria-label")) element.setAttribute("aria-label", label);
      }
    }
  }
  new MutationObserver(function () {
    if (!pending) { pending = true; window.requestAnimationFrame(name); }
  }).observe(root, { childList: true, subtree: true });
})();
