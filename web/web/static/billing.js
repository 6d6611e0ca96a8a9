// Billing pages: the invoice PDF preview is loaded only when someone opens it (no inline script: the CSP).
(function () {
  "use strict";

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details[data-pdf-preview]") || !details.open) {
      return;
    }
    var frame = details.querySelector("iframe[data-src]");
    if (frame && !frame.getAttribute("src")) {
      frame.setAttribute("src", frame.getAttribute("data-src"));
    }
  }, true);
})();
