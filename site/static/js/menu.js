// The main menu's toggle on narrow screens: a real button that says whether the menu is open.
// Without this script the menu is a plain list that wraps, and the button stays hidden.
(function () {
  "use strict";
  var nav = document.getElementById("main-nav");
  var toggle = nav && nav.querySelector(".main-nav__toggle");
  if (!toggle) {
    return;
  }

  function isOpen() {
    return toggle.getAttribute("aria-expanded") === "true";
  }

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("main-nav--open", open);
  }

  nav.classList.add("main-nav--collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    setOpen(!isOpen());
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) {
      setOpen(false);
      toggle.focus();
    }
  });
})();
