// Dashboards: draws each chart (ECharts) from the JSON the page carries. Bars, stacked bars,
// a funnel and lines in one palette, with patterns (decals) so that colour is never the only
// signal; every chart also has a summary sentence and a table of its numbers on the page.
// Loaded only by dashboards/detail.html (CSP: no inline scripts).
(function () {
  "use strict";

  // The same palette as the PDF report (indusx/dashboards/charts.py PALETTE).
  const PALETTE = ["#1d4e9e", "#d98c1f", "#138a6e", "#a4459b", "#5fa8d3", "#8c6d1f", "#d1495b",
    "#4b5563", "#7fb800", "#2f2f2f"];
  const INK = "#1e293b";
  const MUTED = "#5b6776";
  const charts = [];

  function compact(value) {
    const abs = Math.abs(value);
    if (abs >= 1e9) return (value / 1e9).toFixed(1).replace(/\.0$/, "") + "B";
    if (abs >= 1e6) return (value / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (abs >= 1e3) return (value / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
    return String(value);
  }

  function base(spec, reduceMotion) {
    return {
      animation: !reduceMotion,
      color: PALETTE,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: INK },
      aria: { enabled: true, decal: { show: true } },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll", textStyle: { color: MUTED } }
        : undefined,
      // Drawn on the canvas: ECharts' HTML tooltips carry style attributes, which the CSP
      // refuses.
      tooltip: { trigger: spec.kind === "funnel" ? "item" : "axis", renderMode: "richText",
        axisPointer: { type: "shadow" } },
    };
  }

  function funnel(spec, option) {
    option.series = [{
      type: "funnel", name: spec.series[0].name, sort: "none", gap: 2, minSize: "8%",
      left: "10%", right: "10%", top: 8, bottom: 8,
      label: { show: true, position: "inside", color: "#fff",
        formatter: function (p) { return p.name + ": " + p.value; } },
      data: spec.categories.map(function (name, i) {
        return { name: name, value: spec.series[0].values[i] };
      }),
    }];
    return option;
  }

  function cartesian(spec, option) {
    const longLabels = spec.label !== "month"
      && spec.categories.some(function (c) { return c.length > 14; });
    const categoryAxis = {
      type: "category", data: spec.categories,
      axisLabel: { color: MUTED, interval: 0,
        rotate: !longLabels && spec.categories.length > 6 ? 35 : 0 },
      axisTick: { show: false }, axisLine: { lineStyle: { color: "#c8d3e0" } },
    };
    const valueAxis = {
      type: "value", minInterval: spec.unit === "percent accepted" ? 0 : 1,
      axisLabel: { color: MUTED, formatter: compact },
      splitLine: { lineStyle: { color: "#e7ecf2" } },
      name: spec.unit, nameTextStyle: { color: MUTED },
    };
    option.grid = { left: longLabels ? 170 : 48, right: 20,
      top: spec.series.length > 1 ? 36 : 28, bottom: 56, containLabel: false };
    if (longLabels) {
      categoryAxis.inverse = true;
      categoryAxis.axisLabel.width = 160;
      categoryAxis.axisLabel.overflow = "truncate";
      option.xAxis = valueAxis;
      option.yAxis = categoryAxis;
      option.grid.bottom = 28;
    } else {
      option.xAxis = categoryAxis;
      option.yAxis = valueAxis;
    }
    option.series = spec.series.map(function (s) {
      const series = { name: s.name, data: s.values };
      if (spec.kind === "line") {
        series.type = "line";
        series.symbolSize = 6;
        series.showSymbol = true;
      } else {
        series.type = "bar";
        series.barMaxWidth = 36;
        if (spec.kind === "stacked") series.stack = "total";
      }
      return series;
    });
    return option;
  }

  function draw(el, data, reduceMotion) {
    const spec = data[el.dataset.dashboardChart];
    if (!spec || typeof window.echarts === "undefined") return;
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    const option = base(spec, reduceMotion);
    chart.setOption(spec.kind === "funnel" ? funnel(spec, option) : cartesian(spec, option));
    el.dataset.rendered = "true";
    charts.push(chart);
  }

  function init() {
    const source = document.getElementById("dashboard-data");
    if (!source) return;
    let data;
    try {
      data = JSON.parse(source.textContent || "{}");
    } catch (err) {
      return;
    }
    while (charts.length) charts.pop().dispose();
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    document.querySelectorAll("[data-dashboard-chart]").forEach(function (el) {
      draw(el, data, reduceMotion);
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  document.addEventListener("htmx:afterSettle", init);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
