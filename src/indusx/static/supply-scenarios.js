// Supply scenarios: planned-against-buildable bar charts (ECharts) for a result and for a
// comparison of saved scenarios. Results arrive by HTMX too, so charts are drawn after swaps.
// The numbers are always in a table beside the chart. CSP: no inline scripts.
(function () {
  "use strict";

  const PALETTE = ["#1d4e89", "#c96a00", "#0d5b4f", "#6d4bb5"];

  function readJson(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    try {
      return JSON.parse(el.textContent || "null");
    } catch (err) {
      return null;
    }
  }

  function draw(el) {
    const data = readJson(el.dataset.source);
    if (!data || typeof window.echarts === "undefined" || el.dataset.rendered) return;
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: !reduceMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1e293b" },
      color: data.series.length === 2 && data.kind === "outcome"
        ? ["#b6c2d1", "#1d4e89"] : PALETTE,
      // Drawn on the canvas: ECharts' HTML tooltips carry style attributes, which the CSP
      // refuses.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { top: 0, textStyle: { color: "#334155" } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: data.categories,
        axisLabel: {
          color: "#334155", interval: 0, width: 140, overflow: "break",
        },
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#c8d3e0" } },
      },
      yAxis: {
        type: "value", name: data.unit || "", nameTextStyle: { color: "#5b6776" },
        axisLabel: { color: "#5b6776" }, splitLine: { lineStyle: { color: "#e7ecf2" } },
      },
      series: data.series.map(function (s) {
        return {
          type: "bar", name: s.name, data: s.values, barMaxWidth: 42,
          // Figures on the bars: the chart reads without telling colours apart.
          label: { show: true, position: "top", color: "#1e293b", fontSize: 11,
            formatter: function (p) { return Math.round(p.value * 10) / 10; } },
        };
      }),
      aria: { enabled: true },
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init(root) {
    (root || document).querySelectorAll("[data-scenario-chart]").forEach(draw);
  }

  // A compare form needs 2 to 4 scenarios: say so beside the button instead of a round trip.
  function checkCompare(form) {
    const chosen = form.querySelectorAll("input[name=ids]:checked").length;
    const button = form.querySelector("[data-compare-submit]");
    const note = form.querySelector("[data-compare-note]");
    const ok = chosen >= 2 && chosen <= 4;
    if (button) button.disabled = !ok;
    if (note) {
      note.textContent = ok ? chosen + " chosen" :
        (chosen < 2 ? "Choose at least 2 scenarios" : "Choose at most 4 scenarios");
    }
  }

  document.addEventListener("change", function (evt) {
    const form = evt.target.closest && evt.target.closest("[data-compare-form]");
    if (form) checkCompare(form);
  });

  document.addEventListener("htmx:afterSwap", function (evt) { init(evt.target); });
  const start = function () {
    init(document);
    document.querySelectorAll("[data-compare-form]").forEach(checkCompare);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
