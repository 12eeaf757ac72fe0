// Resolutions: the offer form follows the user's authority limit, the agreement prints, and
// the intake form shows the response script for the chosen category. No inline scripts (CSP).
(function () {
  "use strict";
  if (window.onestopResolutions) return; // included by more than one fragment on a page
  window.onestopResolutions = true;

  function parseAmount(value) {
    var n = parseFloat(String(value || "").replace(/[\s,]/g, ""));
    return isNaN(n) ? 0 : n;
  }

  // ---- the offer form: settle within the limit, else "request approval" -------------------
  function updateOfferForm(form) {
    var limits = {};
    try { limits = JSON.parse(form.getAttribute("data-limits") || "{}"); } catch (e) { limits = {}; }
    var typeField = form.querySelector("select[name$='type']");
    var amountField = form.querySelector("input[name$='amount']");
    if (!typeField || !amountField) return;
    var limit = limits[typeField.value];
    var above = limit !== undefined && limit !== "" && parseAmount(amountField.value) > parseFloat(limit);

    var warning = form.querySelector("[data-above-limit]");
    if (warning) warning.classList.toggle("d-none", !above);
    var settle = form.querySelector("[data-settle-button]");
    if (settle) {
      settle.classList.toggle("d-none", above);
      settle.disabled = above;
    }
    form.querySelectorAll("[data-settle-only]").forEach(function (el) {
      el.classList.toggle("d-none", above);
    });
    var propose = form.querySelector("[data-propose-button]");
    if (propose) {
      var label = above ? propose.getAttribute("data-label-above") : propose.getAttribute("data-label-within");
      if (label) propose.textContent = label;
      propose.classList.toggle("btn-primary", above || !settle);
      propose.classList.toggle("btn-outline-primary", !above && !!settle);
    }
  }

  function initOfferForms(root) {
    (root || document).querySelectorAll("form[data-resolution-form]").forEach(function (form) {
      updateOfferForm(form);
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-resolution-form]");
    if (form) updateOfferForm(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-resolution-form]");
    if (form) updateOfferForm(form);
  });

  // ---- print button on the agreement page -----------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // ---- response script hint at intake: follows the category select ---------------------------
  function refreshScriptHint(hint, categoryId) {
    var url = hint.getAttribute("data-script-hint-url");
    if (!url) return;
    fetch(url + "?category=" + encodeURIComponent(categoryId || ""), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" }
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-script-hint]");
        if (fresh) {
          hint.innerHTML = fresh.innerHTML;
          hint.setAttribute("data-category", fresh.getAttribute("data-category") || "");
        }
      })
      .catch(function () { /* the hint is a convenience: ignore network errors */ });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) return;
    document.querySelectorAll("[data-script-hint]").forEach(function (hint) {
      var selector = hint.getAttribute("data-script-hint-source") || "select[name$='category']";
      if (target.matches(selector)) refreshScriptHint(hint, target.value);
    });
  });

  function init() { initOfferForms(document); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Fragments swapped in by HTMX get the same behaviour.
  document.addEventListener("htmx:afterSwap", function (event) { initOfferForms(event.target); });
})();
