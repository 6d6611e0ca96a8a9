// Staff account forms: the therapist record matters only for a therapist's account, so it shows only then.
(function () {
  "use strict";

  var role = document.querySelector("[data-role-select]");
  var therapist = document.querySelector("[data-therapist-field]");
  if (!role || !therapist) {
    return;
  }
  function follow() {
    therapist.hidden = role.value !== "therapist";
  }
  role.addEventListener("change", follow);
  follow();
})();
