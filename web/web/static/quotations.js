// The quotation builder's running total (an estimate: sales prices the quotation when it is drafted) and the
// "copy the link" button of a sent quotation. No inline scripts: the Content-Security-Policy refuses them.
(function () {
  "use strict";

  function formatter(form) {
    var locale = document.documentElement.lang || "en";
    try {
      return new Intl.NumberFormat(locale, {style: "currency", currency: form.dataset.currency || "EUR"});
    } catch (e) {
      return new Intl.NumberFormat(locale, {minimumFractionDigits: 2, maximumFractionDigits: 2});
    }
  }

  function refreshTotal(form) {
    var money = formatter(form);
    var total = 0;
    var any = false;
    form.querySelectorAll("tr[data-price]").forEach(function (row) {
      var input = row.querySelector("input.quantity");
      var output = row.querySelector("output[data-amount]");
      var quantity = parseInt(input.value, 10);
      // Cents, so that 3 × 70.10 is 210.30 and not 210.29999…
      var cents = Math.round(parseFloat(row.dataset.price) * 100);
      if (quantity > 0 && !isNaN(cents)) {
        output.textContent = money.format(quantity * cents / 100);
        total += quantity * cents;
        any = true;
      } else {
        output.textContent = "";
      }
    });
    form.querySelector("#quote-total").textContent = any ? money.format(total / 100) : "";
  }

  function copyLink(button) {
    var field = document.querySelector(button.dataset.copy);
    if (!field) { return; }
    field.select();
    var done = function () { button.textContent = button.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
    }
  }

  function init(root) {
    var form = root.querySelector ? root.querySelector("#quote-form") : null;
    if (form && !form.dataset.totals) {
      form.dataset.totals = "on";
      form.addEventListener("input", function () { refreshTotal(form); });
      refreshTotal(form);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) { copyLink(button); }
  });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.detail.elt); });
  init(document);
})();
