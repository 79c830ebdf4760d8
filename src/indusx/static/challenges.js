// Joint challenges: countdowns, times in the viewer's own zone, character counts, and the
// autosave's answers (a stale save or a refused one is shown, never dropped). No inline
// scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  var viewerZone = (Intl.DateTimeFormat().resolvedOptions() || {}).timeZone || "";

  function format(date, withZone) {
    var options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" };
    if (withZone) options.timeZoneName = "short";
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }

  // Add the viewer's own time after each instant shown in the challenge's zone, when they differ.
  function localTimes(root) {
    var shown = false;
    root.querySelectorAll("time[data-local-time]:not([data-done])").forEach(function (el) {
      el.setAttribute("data-done", "");
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      var mine = format(date, true);
      var theirs = el.textContent.trim();
      if (mine.slice(-5) === theirs.slice(-5)) return;  // same zone abbreviation: nothing to add
      var span = document.createElement("span");
      span.className = "ch-your-time";
      span.textContent = " (your time: " + mine + ")";
      el.after(span);
      shown = true;
    });
    if (shown) root.querySelectorAll("[data-your-zone]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll("time[data-local-clock]:not([data-done])").forEach(function (el) {
      el.setAttribute("data-done", "");
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) {
        el.textContent = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }).format(date);
        el.title = viewerZone;
      }
    });
  }

  function countdownText(ms) {
    if (ms <= 0) return "closed";
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    if (days >= 2) return days + " days left";
    if (days === 1) return "1 day " + hours + " h left";
    if (hours) return hours + " h " + (minutes % 60) + " min left";
    return (minutes % 60) + " min left";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = new Date(el.dataset.countdown).getTime() - now;
      var text = el.querySelector("[data-countdown-text]");
      if (text) text.textContent = countdownText(left);
      el.classList.toggle("ch-closed", left <= 0);
    });
  }

  function countChars(area) {
    var out = document.querySelector('[data-char-count-for="' + area.id + '"]');
    if (!out) return;
    var max = Number(area.dataset.maxChars || 0);
    out.textContent = area.value.length.toLocaleString() + " / " + max.toLocaleString();
    out.classList.toggle("ch-over", max > 0 && area.value.length > max);
  }

  document.addEventListener("input", function (event) {
    var t = event.target;
    if (t instanceof HTMLTextAreaElement && t.dataset.maxChars) countChars(t);
    var form = t instanceof Element ? t.closest("[data-autosave]") : null;
    var status = document.getElementById("save-status");
    if (form && status && !status.querySelector(".ch-conflict")) {
      status.innerHTML = '<span class="text-secondary"><i class="bi bi-three-dots" aria-hidden="true"></i> Unsaved changes…</span>';
    }
  });

  // A stale (409) or refused (422) autosave answers with what to show: swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.target && detail.target.id === "save-status" && detail.xhr &&
        (detail.xhr.status === 409 || detail.xhr.status === 422 || detail.xhr.status === 403)) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target) localTimes(event.detail.target);
  });

  // Once a save was refused as stale, stop autosaving: the user copies their text, then reloads.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var status = document.getElementById("save-status");
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "proposal-form" && status && status.querySelector(".ch-conflict")) {
      event.preventDefault();
    }
  });

  // Network failures: say so, keep the text on the page.
  document.addEventListener("htmx:sendError", function (event) {
    var status = document.getElementById("save-status");
    if (status && event.detail && event.detail.elt && event.detail.elt.id === "proposal-form") {
      status.innerHTML = '<span class="text-danger"><i class="bi bi-wifi-off" aria-hidden="true"></i> Not saved: no connection. Keep this page open; it saves on your next edit.</span>';
    }
  });

  function init() {
    localTimes(document);
    tick();
    setInterval(tick, 30000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
