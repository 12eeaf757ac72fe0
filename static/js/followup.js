// Follow-up pages. No inline scripts (the Content Security Policy forbids them).
(function () {
  "use strict";

  // The callback form: score and "solved" only matter when the customer was reached.
  function syncCallbackForm(form) {
    var reached = form.querySelector("input[name=reached]:checked");
    var group = form.querySelector("[data-when-reached]");
    if (!group) return;
    group.disabled = !(reached && reached.value === "yes");
  }

  document.querySelectorAll("form[data-callback-form]").forEach(function (form) {
    syncCallbackForm(form);
    form.addEventListener("change", function () { syncCallbackForm(form); });
  });
})();
