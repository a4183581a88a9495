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

// --- Contact list (H3): ticking rows, "select all matching", and the bulk bar's inputs. ---
// Without this script the rows can still be ticked and the bar still posts; it adds the
// page-wide tick box, the choice of every contact matching the list, and shows only the input
// the chosen action needs.
(function () {
  "use strict";

  function bar() {
    return document.getElementById("bulk-form");
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="ids"][form="bulk-form"]'));
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function setScope(form, all) {
    form.querySelector("[data-bulk-scope]").value = all ? "all" : "selected";
    show(form.querySelector("[data-all-selected]"), all);
  }

  function refresh() {
    var form = bar();
    if (!form) return;
    var boxes = rows();
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var all = form.querySelector("[data-bulk-scope]").value === "all";
    var count = all ? Number(form.getAttribute("data-matching")) : ticked;
    var label = form.querySelector("[data-selected-count]");
    if (label) {
      // With nothing ticked the bar keeps its hint; otherwise it says how many.
      label.setAttribute("data-hint", label.getAttribute("data-hint") || label.textContent);
      var text = form.getAttribute("data-selected-text");
      var number = count.toLocaleString(document.documentElement.lang);
      label.textContent = count ? text.replace("{count}", number) : label.getAttribute("data-hint");
      show(label, !all); // "All N matching contacts are selected" says it then
    }
    var page = document.querySelector("[data-select-page]");
    if (page) page.checked = boxes.length > 0 && ticked === boxes.length;
    show(form.querySelector("[data-select-matching]"), !all && boxes.length > 0 && ticked === boxes.length);
    var action = form.querySelector("[data-bulk-action]").value;
    form.querySelectorAll("[data-for-action]").forEach(function (part) {
      show(part, part.getAttribute("data-for-action") === action);
    });
  }

  document.addEventListener("change", function (event) {
    var form = bar();
    if (!form) return;
    var target = event.target;
    if (target.matches("[data-select-page]")) {
      rows().forEach(function (box) { box.checked = target.checked; });
      setScope(form, false);
    } else if (target.matches('input[name="ids"]')) {
      setScope(form, false);
    } else if (!target.matches("[data-bulk-action]")) {
      return;
    }
    refresh();
  });

  document.addEventListener("click", function (event) {
    var form = bar();
    if (!form) return;
    if (event.target.closest("[data-select-matching]")) {
      setScope(form, true);
      refresh();
    } else if (event.target.closest("[data-clear-selection]")) {
      rows().forEach(function (box) { box.checked = false; });
      setScope(form, false);
      refresh();
    }
  });

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
})();
