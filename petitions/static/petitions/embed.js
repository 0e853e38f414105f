// On a partner's page, next to an <iframe data-plaidoyer-embed> of one of our actions (petitions/embeds.py):
// sets each frame's height to what its page says (embed-frame.js), so that it shows without a scroll bar.
// A message counts only from the very frame it sizes, and from the origin of that frame's address.
(function () {
  "use strict";
  var MAX_HEIGHT = 10000;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "plaidoyer-embed:height" || typeof data.height !== "number") {
      return;
    }
    var frames = document.querySelectorAll("iframe[data-plaidoyer-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && new URL(frame.src, document.baseURI).origin === event.origin) {
        frame.style.height = Math.max(0, Math.min(MAX_HEIGHT, Math.round(data.height))) + "px";
        return;
      }
    }
  });
})();
