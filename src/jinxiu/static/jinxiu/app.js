/* Jinxiu front-end glue. No inline scripts anywhere: the CSP forbids them. */
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll(".jx-chart").forEach(function (el) {
      if (el.dataset.drawn || !el.dataset.option) return;
      el.style.height = el.dataset.height || "320px";
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(el.dataset.option));
      // a data item with a url (chain atlas nodes, map regions, bars) drills down on click
      chart.on("click", function (params) {
        if (params.data && params.data.url) window.location.href = params.data.url;
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function setProgressWidths(root) {
    root.querySelectorAll(".progress-bar[data-progress]").forEach(function (bar) {
      bar.style.width = bar.dataset.progress + "%";
    });
  }

  // colour keys (a chart's machine types): the colour travels in data-swatch, as inline
  // style attributes are refused by the CSP
  function setSwatches(root) {
    root.querySelectorAll(".jx-swatch[data-swatch]").forEach(function (el) {
      el.style.backgroundColor = el.dataset.swatch;
    });
  }

  function autosubmit(root) {
    root.querySelectorAll("select.jx-autosubmit").forEach(function (select) {
      if (select.dataset.bound) return;
      select.dataset.bound = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  function init(root) {
    drawCharts(root);
    setProgressWidths(root);
    setSwatches(root);
    autosubmit(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // After any htmx swap, draw what is new (init skips what is already drawn).
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
