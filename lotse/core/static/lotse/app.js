// Lotse's own scripts: served from static files, never inline (CSP).
(function () {
  "use strict";
  // Send Django's CSRF token with every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
  // A request of htmx that fails (an in-place save, say) tells the user so, in German, and leaves the form as it is.
  function requestFailed(text) {
    var box = document.getElementById("request-failed");
    if (!box) {
      return;
    }
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("htmx:responseError", function () {
    var box = document.getElementById("request-failed");
    if (box) {
      requestFailed(box.getAttribute("data-server-error"));
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("request-failed");
    if (box) {
      requestFailed(box.getAttribute("data-network-error"));
    }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-failed");
    if (box) {
      box.hidden = true;
    }
  });
  // Forms that ask before doing something hard to undo: data-confirm="…".
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
