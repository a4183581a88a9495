// Tendril's own browser code: small progressive enhancements; every screen works without it.
(function () {
  "use strict";

  // The Content-Security-Policy allows no inline style or eval: htmx must not inject its
  // indicator <style> (app.css has those rules) nor evaluate code from attributes. Deferred
  // scripts run in order before DOMContentLoaded, when htmx reads its configuration.
  if (window.htmx) {
    window.htmx.config.includeIndicatorStyles = false;
    window.htmx.config.allowEval = false;
  }

  // "Copy" buttons next to secrets: <button data-copy="#element-id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    if (source.select) source.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied") || "Copied";
      });
    }
  });

  // --- Languages (H2): the language switcher submits itself when a language is picked. ---
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.classList.add("autosubmits");
    form.addEventListener("change", function () {
      form.requestSubmit();
    });
  });

  // Show that a live search is running, so people do not type it again.
  document.addEventListener("htmx:beforeRequest", function (event) {
    event.target.classList.add("is-loading");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    event.target.classList.remove("is-loading");
  });
})();
