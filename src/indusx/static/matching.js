// Matchmaking pages: the opportunity chart, the solver's character count, and focus and
// busy state around HTMX swaps. Loaded only by the matchmaking templates (CSP: no inline JS).
(function () {
  "use strict";

  // --- Opportunity map: grouped horizontal bars per focus area ---------------------------
  const SERIES = [
    // key, legend name, colour (the app's palette: saffron for India, blue for the US)
    ["capable_in", "Capable in India", "#c96a00"],
    ["capable_us", "Capable in the US", "#1d4e9e"],
    ["seeking_in", "Seeking in India", "#f4b266"],
    ["seeking_us", "Seeking in the US", "#8eaedc"],
    ["partnerships", "Partnerships", "#138808"],
  ];

  function drawOpportunityChart(el) {
    if (typeof window.echarts === "undefined") return;
    const source = document.getElementById(el.dataset.opportunityChart);
    if (!source) return;
    let data;
    try {
      data = JSON.parse(source.textContent || "{}");
    } catch (err) {
      return;
    }
    const areas = (data.areas || []).slice().reverse(); // first area at the top
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // The height grows with the number of areas; set here because the CSP forbids style="".
    if (el.dataset.height) el.style.height = el.dataset.height + "px";
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: !reduceMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1e293b" },
      color: SERIES.map(function (s) { return s[2]; }),
      legend: { top: 0, left: 0, itemGap: 18, textStyle: { color: "#1e293b" } },
      // Drawn on the canvas: ECharts' HTML tooltips carry style attributes, which the CSP
      // refuses.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      // A fixed label gutter: ECharts under-measures bold labels with containLabel.
      grid: { left: 156, right: 24, top: 40, bottom: 40 },
      xAxis: {
        type: "value",
        minInterval: 1,
        name: "organisations",
        nameLocation: "middle",
        nameGap: 26,
        axisLabel: { color: "#5b6776" },
        splitLine: { lineStyle: { color: "#e7ecf2" } },
      },
      yAxis: {
        type: "category",
        data: areas,
        axisLabel: {
          color: "#1e293b", fontWeight: 600, width: 140, overflow: "break", lineHeight: 15,
        },
        axisLine: { lineStyle: { color: "#c8d3e0" } },
        axisTick: { show: false },
      },
      series: SERIES.map(function (s) {
        return {
          name: s[1],
          type: "bar",
          data: (data.series && data.series[s[0]] ? data.series[s[0]] : []).slice().reverse(),
          barMaxWidth: 9,
          barGap: "15%",
          emphasis: { focus: "series" },
        };
      }),
      aria: { enabled: true },
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // --- Solver search: how long the statement is, against the limit ------------------------
  function updateCount(textarea) {
    const out = document.querySelector(textarea.dataset.charCount);
    if (!out) return;
    const max = Number(textarea.dataset.charMax || 0);
    const length = textarea.value.trim().length;
    out.textContent = length.toLocaleString() + " / " + max.toLocaleString() + " characters";
    out.classList.toggle("is-over", max > 0 && length > max);
  }

  document.addEventListener("input", function (event) {
    const target = event.target;
    if (target instanceof HTMLTextAreaElement && target.dataset.charCount) updateCount(target);
  });

  // --- Suggestions: busy state and focus around HTMX swaps --------------------------------
  document.addEventListener("htmx:beforeRequest", function (event) {
    const target = event.detail && event.detail.target;
    if (target && target.id === "match-results") target.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const target = event.detail && event.detail.target;
    if (target && target.id === "match-results") target.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail && event.detail.target;
    if (!target) return;
    // The dismiss button is gone with its card: keep keyboard focus on what replaced it.
    const dismissed = target.querySelector("[data-dismissed]");
    if (dismissed) dismissed.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-opportunity-chart]").forEach(drawOpportunityChart);
    document.querySelectorAll("textarea[data-char-count]").forEach(updateCount);
    // A refused introduction request: take the user to the note and its message.
    const retry = document.querySelector("[data-autofocus]");
    if (retry) {
      retry.scrollIntoView({ block: "center" });
      retry.focus({ preventScroll: true });
    }
  });
})();
