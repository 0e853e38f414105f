// Sets up the page's ALTCHA widgets: their texts from our catalogs (in the page's language, on the element),
// and the proof of work in a worker loaded from our own static files (the CSP allows no other).
(function () {
  "use strict";
  var widgets = document.querySelectorAll("altcha-widget[data-worker]");
  if (!widgets.length || !globalThis.$altcha) {
    return;
  }
  var workerUrl = widgets[0].dataset.worker;
  ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"].forEach(function (algorithm) {
    globalThis.$altcha.algorithms.set(algorithm, function () {
      return new Worker(workerUrl);
    });
  });
  widgets.forEach(function (widget) {
    globalThis.$altcha.i18n.set(widget.getAttribute("language"), JSON.parse(widget.dataset.strings));
  });
})();
