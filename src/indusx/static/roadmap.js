// Roadmap: an initiative's milestones on a time axis (ECharts), from the JSON the page carries.
// Loaded only by roadmap/initiative.html (CSP: no inline scripts).
(function () {
  "use strict";

  const COLOURS = {
    planned: "#64748b", "in-progress": "#1d4e89", done: "#14602b", "at-risk": "#b35200",
    cancelled: "#a1a1aa", overdue: "#b42318",
  };

  function draw(el, data) {
    if (typeof window.echarts === "undefined") return;
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const titles = data.milestones.map(function (m) { return m.title; });
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    const marks = [{ xAxis: data.today, name: "Today", lineStyle: { color: "#b42318" } }];
    if (data.target_on) {
      marks.push({ xAxis: data.target_on, name: "Target", lineStyle: { color: "#1d4e89" } });
    }
    chart.setOption({
      animation: !reduceMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1e293b" },
      tooltip: {
        formatter: function (p) {
          const m = data.milestones[p.dataIndex];
          return m.title + "<br>due " + m.due_on + " · " + m.label;
        },
      },
      grid: { left: 8, right: 24, top: 24, bottom: 32, containLabel: true },
      xAxis: { type: "time", splitLine: { lineStyle: { color: "#e7ecf2" } } },
      yAxis: {
        type: "category", data: titles, inverse: true,
        axisLabel: { width: 220, overflow: "truncate", color: "#334155" },
        axisTick: { show: false },
      },
      series: [{
        type: "scatter", symbolSize: 14,
        data: data.milestones.map(function (m, i) {
          return { value: [m.due_on, i], itemStyle: { color: COLOURS[m.status] || "#64748b" } };
        }),
        markLine: { symbol: "none", label: { formatter: "{b}" }, data: marks },
      }],
      aria: { enabled: true },
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    const source = document.getElementById("roadmap-timeline-data");
    const el = document.querySelector("[data-roadmap-timeline]");
    if (!source || !el) return;
    let data;
    try {
      data = JSON.parse(source.textContent || "{}");
    } catch (err) {
      return;
    }
    if (data.milestones && data.milestones.length) draw(el, data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
