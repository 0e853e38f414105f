/* What wagtail-localize's admin pages do in inline scripts, from a static file (sections/wagtail_csp_patches.py).
 *
 * The translation editor: the chooser URLs, read from this script's data attributes.
 * The "Translate" form: its "select all" box ticks every language.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (script && script.dataset.pageChooser && typeof window.chooserUrls === "undefined") {
    window.chooserUrls = {
      imageChooser: script.dataset.imageChooser,
      documentChooser: script.dataset.documentChooser,
      pageChooser: script.dataset.pageChooser,
    };
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selectAll = document.querySelector('[name="select_all"]');
    if (!selectAll) {
      return;
    }
    selectAll.addEventListener("change", function () {
      document.querySelectorAll('[name="locales"]').forEach(function (locale) {
        locale.checked = selectAll.checked;
      });
    });
  });
})();
