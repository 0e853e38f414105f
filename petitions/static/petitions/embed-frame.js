// Inside a partner site's frame (petitions/embeds.py): tells the partner's page how tall this page is,
// so that its embed.js sizes the frame without a scroll bar. Only the partner named in the frame's
// address (data-partner, the origin the server allowed to frame it) receives the message.
(function () {
  "use strict";
  var partner = document.body.getAttribute("data-partner");
  if (!partner || window.parent === window) {
    return;
  }
  var last = 0;
  function tell() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "plaidoyer-embed:height", height: height }, partner);
    }
  }
  tell();
  if (window.ResizeObserver) {
    new ResizeObserver(tell).observe(document.documentElement);
  } else {
    window.addEventListener("resize", tell);
    window.setInterval(tell, 1000);
  }
})();
