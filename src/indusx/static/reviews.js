// Review pages: the report's bar charts (ECharts), drawn from the JSON the page carries.
// Loaded only by reviews/report.html (CSP: no inline scripts).
(function () {
  "use strict";

  const COLOURS = {
    status: "#1d4e9e", country: "#c96a00", kind: "#0d5b4f", reviews: "#4c2c85",
    outcome: "#138808", scores: "#1d4e9e",
  };

  function draw(el, data) {
    const spec = data[el.dataset.reportChart];
    if (!spec || typeof window.echarts === "undefined") return;
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: !reduceMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1e293b" },
      color: [COLOURS[el.dataset.reportChart] || "#1d4e9e"],
      // Drawn on the canvas: ECharts' HTML tooltips carry style attributes, which the CSP
      // refuses.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: {
        type: "category", data: spec.labels,
        axisLabel: { color: "#5b6776", interval: 0, rotate: spec.labels.length > 6 ? 35 : 0 },
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#c8d3e0" } },
      },
      yAxis: {
        type: "value", minInterval: 1, axisLabel: { color: "#5b6776" },
        splitLine: { lineStyle: { color: "#e7ecf2" } },
      },
      series: [{ type: "bar", name: spec.title, data: spec.values, barMaxWidth: 36 }],
      aria: { enabled: true },
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    const source = document.getElementById("report-data");
    if (!source) return;
    let data;
    try {
      data = JSON.parse(source.textContent || "{}");
    } catch (err) {
      return;
    }
    document.querySelectorAll("[data-report-chart]").forEach(function (el) { draw(el, data); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
