// INDUS-X web UI behaviour. The Content-Security-Policy forbids inline scripts, so every
// handler lives here and finds its elements through data- attributes.
(function () {
  "use strict";

  // --- Organisation form: fields that apply only to some kinds -------------------------
  function syncKind() {
    const select = document.querySelector("[data-kind-select]");
    if (!select) return;
    document.querySelectorAll("[data-show-for-kinds]").forEach(function (el) {
      const kinds = el.dataset.showForKinds.split(/\s+/);
      // Before a kind is chosen, show what most organisations fill in (not the thesis).
      const show = select.value ? kinds.includes(select.value) : kinds.length > 1;
      el.hidden = !show;
      // Hidden controls are disabled so that they are not submitted.
      el.querySelectorAll("input, select, textarea").forEach(function (control) {
        control.disabled = !show;
      });
    });
  }

  // --- Organisation form: the repeatable offerings group --------------------------------
  function addRow(button) {
    const list = document.querySelector(button.dataset.addRow);
    const template = document.getElementById(button.dataset.template);
    if (!list || !template) return;
    const index = Number(list.dataset.nextIndex || list.children.length);
    list.dataset.nextIndex = String(index + 1);
    list.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__index__", String(index)));
    const row = list.lastElementChild;
    const first = row && row.querySelector("input, select, textarea");
    if (first) first.focus();
  }

  function removeRow(button) {
    const row = button.closest("[data-row]");
    if (!row) return;
    const section = row.closest("section") || document;
    row.remove();
    const add = section.querySelector("[data-add-row]");
    if (add) add.focus();
  }

  // --- Copy a secret (the new API token) to the clipboard -------------------------------
  function copy(button) {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    const label = button.querySelector("[data-copy-label]");
    const done = function () {
      if (label) label.textContent = "Copied";
      setTimeout(function () { if (label) label.textContent = "Copy"; }, 2500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      try {
        if (document.execCommand("copy")) done();
      } catch (err) {
        // The text stays selected for the user to copy by hand.
      }
    }
  }

  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const add = target.closest("[data-add-row]");
    if (add) { event.preventDefault(); addRow(add); return; }
    const remove = target.closest("[data-remove-row]");
    if (remove) { event.preventDefault(); removeRow(remove); return; }
    const copyButton = target.closest("[data-copy]");
    if (copyButton) { event.preventDefault(); copy(copyButton); }
  });

  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.matches("[data-kind-select]")) syncKind();
  });

  document.addEventListener("focusin", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  // --- Directory: keep the page in step with HTMX swaps ---------------------------------
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail && event.detail.target;
    if (!target || target.id !== "results") return;
    const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    // After moving between pages, bring the top of the results into view.
    if (trigger && trigger.closest && trigger.closest(".pagination")) {
      const header = document.querySelector(".results-header");
      if (header) {
        header.scrollIntoView({ behavior: "smooth", block: "start" });
        // The link that was clicked is gone: give keyboard users a place to continue from.
        header.setAttribute("tabindex", "-1");
        header.focus({ preventScroll: true });
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncKind();
    // Take keyboard and screen-reader users straight to the list of problems in a form.
    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
