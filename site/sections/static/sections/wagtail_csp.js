/* Starts the Wagtail widgets that Wagtail would start with an inline script (sections/wagtail_csp_patches.py).
 *
 * Each such widget is followed by <span hidden data-wagtail-csp-init="Name" data-wagtail-csp-new="true|false"
 * data-wagtail-csp-id="…" data-wagtail-csp-options="{…}">: this calls `new Name(id, options)` (or
 * `Name(id, options)`) once, for the elements of the page as it loads and for those Wagtail inserts
 * later (InlinePanel children, dialogs, modals). Only Wagtail's own initialisers can be named.
 */
(function () {
  "use strict";
  var ALLOWED = [
    "initDateChooser",
    "initTimeChooser",
    "initDateTimeChooser",
    "InlinePanel",
    "MultipleChooserPanel",
    "Chooser",
    "PageChooser",
    "ImageChooser",
    "DocumentChooser",
    "SnippetChooser",
    "createTaskChooser",
  ];
  var SELECTOR = "[data-wagtail-csp-init]";

  function start(element) {
    var name = element.dataset.wagtailCspInit;
    var initialiser = window[name];
    if (ALLOWED.indexOf(name) === -1 || typeof initialiser !== "function") {
      return;
    }
    element.removeAttribute("data-wagtail-csp-init");
    var args = [];
    if ("wagtailCspId" in element.dataset) {
      args.push(element.dataset.wagtailCspId);
    }
    if ("wagtailCspOptions" in element.dataset) {
      args.push(JSON.parse(element.dataset.wagtailCspOptions));
    }
    if (element.dataset.wagtailCspNew === "true") {
      new (Function.prototype.bind.apply(initialiser, [null].concat(args)))();
    } else {
      initialiser.apply(window, args);
    }
  }

  function startWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    if (node.matches(SELECTOR)) {
      start(node);
    }
    node.querySelectorAll(SELECTOR).forEach(start);
  }

  function startAll() {
    document.querySelectorAll(SELECTOR).forEach(start);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(startWithin);
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
