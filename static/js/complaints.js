// The complaint pages' behaviour (no inline scripts: the Content Security Policy forbids them).
(function () {
  "use strict";

  // Intake: "acknowledge now" follows the channel (ticked for walk-ins) until the user
  // ticks or unticks it themselves; the server honours whatever is submitted.
  var channel = document.getElementById("id_channel");
  var acknowledge = document.getElementById("id_acknowledge_now");
  if (channel && acknowledge) {
    var touched = false;
    acknowledge.addEventListener("change", function () { touched = true; });
    channel.addEventListener("change", function () {
      if (!touched) acknowledge.checked = channel.value === "walk_in";
    });
  }

  // Intake: pick a customer found by the lookup, or go back to registering a new one.
  var hidden = document.getElementById("id_customer");
  var selected = document.getElementById("customer-selected");
  var newCustomer = document.getElementById("new-customer");
  var hint = document.getElementById("new-customer-hint");
  var matches = document.getElementById("customer-matches");

  function showSelected(id, label) {
    if (!hidden || !selected) return;
    hidden.value = id;
    selected.querySelector("[data-customer-label]").textContent = label;
    selected.classList.remove("d-none");
    if (newCustomer) newCustomer.classList.add("d-none");
    if (hint) hint.classList.add("d-none");
    if (matches) matches.innerHTML = "";
  }

  function clearSelected() {
    if (!hidden || !selected) return;
    hidden.value = "";
    selected.classList.add("d-none");
    if (newCustomer) newCustomer.classList.remove("d-none");
    if (hint) hint.classList.remove("d-none");
    var search = document.getElementById("id_customer_search");
    if (search) search.focus();
  }

  if (hidden && hidden.value && hint) hint.classList.add("d-none");

  document.addEventListener("click", function (event) {
    var pick = event.target.closest ? event.target.closest("[data-pick-customer]") : null;
    if (pick) {
      event.preventDefault();
      showSelected(pick.getAttribute("data-pick-customer"), pick.getAttribute("data-label"));
      return;
    }
    var clear = event.target.closest ? event.target.closest("[data-clear-customer]") : null;
    if (clear) {
      event.preventDefault();
      clearSelected();
    }
  });
})();
