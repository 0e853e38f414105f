/* What django-recaptcha's widgets do in inline scripts, from a static file (a strict CSP refuses inline scripts).
 *
 * Loaded once after each widget, with the widget's uuid (and for v3 its site key and action) in data
 * attributes. Both: the callback the widget names (data-callback="onSubmit_<uuid>") exists. v3: on
 * submit, the form waits for a fresh token, puts it in the widget's input and is sent.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var uuid = script.dataset.widgetUuid;
  window["onSubmit_" + uuid] = function () {};
  if (script.dataset.version !== "v3" || typeof grecaptcha === "undefined") {
    return;
  }
  grecaptcha.ready(function () {
    var input = document.querySelector('.g-recaptcha[data-widget-uuid="' + uuid + '"]');
    if (!input || !input.form) {
      return;
    }
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var options = script.dataset.action ? { action: script.dataset.action } : {};
      grecaptcha.execute(script.dataset.sitekey, options).then(function (token) {
        input.value = token;
        input.form.submit();
      });
    });
  });
})();
