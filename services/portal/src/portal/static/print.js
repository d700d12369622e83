// A "Print" button (shown only where this script runs: without it, the
// browser's own Print does the same, with the same print layout).
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
