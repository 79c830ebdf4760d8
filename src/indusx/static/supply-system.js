// Supply system page: the risk heat map (ECharts) and the BOM graph (Cytoscape.js), both drawn
// from JSON the page carries. The page also shows every figure as a table, so nothing here is
// the only way to read the data. CSP: no inline scripts, so all behaviour lives in this file.
(function () {
  "use strict";

  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function readJson(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    try {
      return JSON.parse(el.textContent || "null");
    } catch (err) {
      return null;
    }
  }

  // Criticality 0..100 -> a colour from calm blue-green through amber to deep red. Colour is
  // never the only signal: risky nodes also get a warning mark, a thick outline and size.
  function criticalityColour(score) {
    const stops = [
      [0, [46, 125, 107]],
      [35, [201, 150, 28]],
      [60, [214, 104, 18]],
      [80, [180, 35, 24]],
      [100, [122, 16, 12]],
    ];
    let i = 0;
    while (i < stops.length - 2 && score > stops[i + 1][0]) i += 1;
    const [a, ca] = stops[i];
    const [b, cb] = stops[i + 1];
    const t = Math.max(0, Math.min(1, (score - a) / (b - a || 1)));
    const rgb = ca.map(function (c, k) { return Math.round(c + (cb[k] - c) * t); });
    return "rgb(" + rgb.join(",") + ")";
  }

  // --- Heat map ---------------------------------------------------------------------------
  function drawHeat(el, data) {
    if (!data || typeof window.echarts === "undefined" || el.dataset.rendered) return;
    if (el.offsetWidth === 0) return;  // inside a hidden tab: drawn when the tab is shown
    // The height grows with the number of rows; set here because the CSP forbids style="".
    if (el.dataset.height) el.style.height = el.dataset.height + "px";
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    const cells = data.cells.map(function (c) { return [c[0], c[1], c[2]]; });
    const worst = {};
    data.cells.forEach(function (c) { worst[c[0] + ":" + c[1]] = c[3]; });
    chart.setOption({
      animation: !reduceMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1e293b" },
      tooltip: {
        // Above the cell, as position "top" would place it, but without the arrow ECharts
        // draws for "top": that arrow is markup with a style attribute, which the CSP refuses.
        position: function (point, params, dom, rect, size) {
          const [w, h] = size.contentSize;
          return rect ? [rect.x + rect.width / 2 - w / 2, rect.y - h - 10]
            : [point[0] - w / 2, point[1] - h - 10];
        },
        formatter: function (p) {
          const row = data.rows[p.value[1]];
          const dim = data.dimensions[p.value[0]];
          const part = worst[p.value[0] + ":" + p.value[1]];
          const safe = function (s) {
            return String(s).replace(/[&<>"]/g, function (ch) {
              return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[ch];
            });
          };
          return "<strong>" + safe(row) + "</strong><br>" + safe(dim) + ": " +
            p.value[2].toFixed(2) + (part ? "<br>Worst part: " + safe(part) : "");
        },
      },
      grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
      xAxis: {
        type: "category", data: data.dimensions, position: "top",
        axisLabel: { color: "#334155", interval: 0, fontWeight: 600 },
        axisTick: { show: false }, splitArea: { show: true },
      },
      yAxis: {
        type: "category", data: data.rows, inverse: true,
        axisLabel: {
          color: "#334155", width: 220, overflow: "truncate",
        },
        axisTick: { show: false }, splitArea: { show: true },
      },
      visualMap: {
        min: 0, max: 1, calculable: false, orient: "horizontal", left: "center", bottom: 4,
        itemWidth: 12, itemHeight: 160, text: ["1 high risk", "0 low "],
        textStyle: { color: "#334155" },
        inRange: { color: ["#eef6f3", "#f7e3a1", "#f0a35e", "#c8442f", "#7a100c"] },
      },
      series: [{
        name: "Risk", type: "heatmap",
        // Dark cells get light figures (contrast AA).
        data: cells.map(function (c) {
          return { value: c, label: { color: c[2] >= 0.62 ? "#ffffff" : "#111827" } };
        }),
        // The value is written in every cell: colour is never the only signal.
        label: {
          show: true,
          formatter: function (p) { return p.value[2].toFixed(2); },
          fontSize: 11,
        },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: "#0f2747", borderWidth: 2 } },
      }],
      aria: { enabled: true },
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // --- BOM graph --------------------------------------------------------------------------
  function text(tag, value, className) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  }

  function showPart(panel, node) {
    const d = node.data();
    panel.replaceChildren();
    const head = text("h3", d.name, "h6 mb-1");
    panel.append(head);
    panel.append(text("p", d.number + " · " + d.kind + " · criticality " +
      d.criticality.toFixed(0) + "/100", "small text-secondary mb-2"));
    if (d.risky) {
      const warn = text("p", "", "sp-risk-note small mb-2");
      const icon = document.createElement("i");
      icon.className = "bi bi-exclamation-triangle-fill";
      icon.setAttribute("aria-hidden", "true");
      warn.append(icon, document.createTextNode(" Risky part"));
      panel.append(warn);
    }
    if (d.onPath) panel.append(text("p", "On the longest lead-time path.", "small mb-2"));
    if (d.reasons.length) {
      panel.append(text("h4", "Why", "sp-panel-heading"));
      const ul = text("ul", "", "small ps-3 mb-2");
      d.reasons.forEach(function (r) { ul.append(text("li", r)); });
      panel.append(ul);
    }
    panel.append(text("h4", "Sources", "sp-panel-heading"));
    if (!d.sources.length) {
      panel.append(text("p", d.kind === "assembly" ? "Built from the parts below it." :
        "No source recorded.", "small text-secondary"));
    } else {
      const list = text("ul", "", "list-unstyled small mb-0");
      d.sources.forEach(function (src) {
        const item = text("li", "", "mb-1");
        item.append(text("span", src.name, "fw-semibold"));
        const facts = src.country + " · " + Math.round(src.share * 100) + "% · " + src.lead +
          " days" + (src.flag ? " · screening: " + src.flag : "");
        item.append(text("div", facts, "text-secondary"));
        list.append(item);
      });
      panel.append(list);
    }
    if (d.href) {
      const link = text("a", "Open in the risk table", "small d-inline-block mt-2");
      link.href = d.href;
      panel.append(link);
    }
  }

  function drawGraph(el, data) {
    if (!data || typeof window.cytoscape === "undefined" || el.dataset.rendered) return;
    if (el.offsetWidth === 0) return;  // inside a hidden tab: drawn when the tab is shown
    const elements = [];
    data.nodes.forEach(function (n) {
      elements.push({
        group: "nodes",
        data: {
          id: "p" + n.id, name: n.name, number: n.number, kind: n.kind,
          criticality: n.criticality, risky: n.risky, onPath: n.on_path,
          reasons: n.reasons, sources: n.sources, href: n.href,
          label: (n.risky ? "⚠ " : "") + n.number,
          size: 22 + Math.round(n.criticality * 0.34),
          colour: criticalityColour(n.criticality),
        },
        classes: [n.risky ? "risky" : "", n.on_path ? "path" : "", n.kind].join(" ").trim(),
      });
    });
    data.edges.forEach(function (e, i) {
      elements.push({
        group: "edges",
        data: { id: "e" + i, source: "p" + e.parent, target: "p" + e.child, quantity: e.quantity },
        classes: e.on_path ? "path" : "",
      });
    });
    const cy = window.cytoscape({
      container: el,
      elements: elements,
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 3,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)", width: "data(size)", height: "data(size)",
            label: "data(label)", "font-size": 10, color: "#1e293b",
            "text-valign": "bottom", "text-margin-y": 3,
            "text-background-color": "#ffffff", "text-background-opacity": 0.85,
            "text-background-padding": 1, "border-width": 1, "border-color": "#ffffff",
          },
        },
        { selector: "node.assembly", style: { shape: "round-rectangle" } },
        { selector: "node.material", style: { shape: "diamond" } },
        {
          selector: "node.risky",
          style: { "border-width": 4, "border-color": "#111827", "border-style": "double",
            "font-weight": "bold" },
        },
        {
          selector: "edge",
          style: {
            width: 1.2, "line-color": "#b6c2d1", "curve-style": "bezier",
            "target-arrow-shape": "triangle", "target-arrow-color": "#b6c2d1",
            "arrow-scale": 0.7,
          },
        },
        {
          selector: "node:selected",
          style: { "overlay-color": "#1d4e89", "overlay-opacity": 0.18, "overlay-padding": 6 },
        },
      ],
      layout: {
        name: "breadthfirst",
        directed: true,
        roots: data.roots.map(function (id) { return "#p" + id; }).join(", "),
        spacingFactor: data.nodes.length > 20 ? 0.55 : 1.1,
        animate: false,
        avoidOverlap: true,
        nodeDimensionsIncludeLabels: true,
      },
    });
    // Wide, shallow BOMs come out as a flat strip: stretch the levels apart to use the
    // panel's height, so that edges and levels read at the zoom that fits the width.
    const box = cy.nodes().boundingBox();
    const want = el.clientHeight / Math.max(1, el.clientWidth);
    if (box.h > 0 && box.h / box.w < want) {
      const stretch = Math.min(4, (want * box.w) / box.h);
      cy.nodes().positions(function (node) {
        return { x: node.position("x"), y: box.y1 + (node.position("y") - box.y1) * stretch };
      });
    }
    cy.fit(undefined, 24);
    // The critical path stands out by default; the toggle lets the rest of the BOM be read.
    const setPath = function (on) {
      cy.edges(".path").style(on ? {
        width: 4, "line-color": "#1d4e89", "target-arrow-color": "#1d4e89",
      } : { width: 1.2, "line-color": "#b6c2d1", "target-arrow-color": "#b6c2d1" });
    };
    setPath(true);
    const panel = document.getElementById(el.dataset.panel);
    cy.on("tap", "node", function (evt) {
      if (panel) {
        showPart(panel, evt.target);
        panel.focus({ preventScroll: true });
      }
    });
    el.dataset.rendered = "true";
    el.cy = cy;

    const controls = document.querySelectorAll("[data-graph-action]");
    controls.forEach(function (button) {
      button.addEventListener("click", function () {
        const action = button.dataset.graphAction;
        const centre = { x: el.clientWidth / 2, y: el.clientHeight / 2 };
        if (action === "zoom-in") cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre });
        if (action === "zoom-out") cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre });
        if (action === "fit") cy.fit(undefined, 24);
        if (action === "path") {
          const on = button.getAttribute("aria-pressed") !== "true";
          button.setAttribute("aria-pressed", on ? "true" : "false");
          setPath(on);
        }
      });
    });
    const find = document.querySelector("[data-graph-find]");
    if (find) {
      find.addEventListener("change", function () {
        const node = cy.getElementById("p" + find.value);
        if (!node || node.empty()) return;
        cy.$(":selected").unselect();
        node.select();
        cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1) },
          { duration: reduceMotion ? 0 : 250 });
        if (panel) showPart(panel, node);
      });
    }
  }

  // Open the tab named in the address (#heat, #graph, #bom) and keep the address in step.
  function openTabFromHash() {
    if (!location.hash || typeof window.bootstrap === "undefined") return;
    const button = document.querySelector('[data-bs-toggle="tab"][data-hash="' +
      location.hash.slice(1) + '"]');
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }

  document.addEventListener("shown.bs.tab", function (evt) {
    const hash = evt.target.dataset.hash;
    if (hash) history.replaceState(history.state, "", "#" + hash);
  });

  function init() {
    const heat = document.querySelector("[data-heat-map]");
    if (heat) drawHeat(heat, readJson(heat.dataset.source));
    const graph = document.querySelector("[data-bom-graph]");
    if (graph) drawGraph(graph, readJson(graph.dataset.source));
  }

  const start = function () {
    openTabFromHash();
    init();
  };
  document.addEventListener("shown.bs.tab", init);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
