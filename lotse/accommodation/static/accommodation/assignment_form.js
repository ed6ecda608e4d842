// The assignment form: ticking a household ticks its members not yet assigned, so the choice is visible.
// The server assigns a chosen household's open members itself, so the form works without this script;
// unticking one member unticks the household (the others stay chosen one by one).
(function () {
  "use strict";
  function members(id) {
    return document.querySelectorAll('input[name="persons"][data-member-of="' + id + '"]');
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement)) {
      return;
    }
    if (box.name === "households") {
      members(box.value).forEach(function (member) {
        if (!member.hasAttribute("data-assigned")) {
          member.checked = box.checked;
        }
      });
    } else if (box.name === "persons" && !box.checked && box.dataset.memberOf) {
      var household = document.getElementById("household-" + box.dataset.memberOf);
      if (household) {
        household.checked = false;
      }
    }
  });
})();
