// Bulwark console: the few things plain HTML cannot do. Loaded as a file (the CSP allows no inline script).
(function () {
  "use strict";
  var COLOURS = { info: "#8a94a3", low: "#4a7fd4", medium: "#d49a1c", high: "#e0623a", critical: "#b3261e" };

  function drawChart(el) {
    if (!window.uPlot || !el.dataset.series) { return; }
    var data = JSON.parse(el.dataset.series);
    var names = Object.keys(data.series);
    var series = [{}];
    var columns = [data.x];
    names.forEach(function (n) {
      series.push({ label: n, stroke: COLOURS[n] || "#333", width: 2, points: { show: false } });
      columns.push(data.series[n]);
    });
    el.textContent = "";
    var width = Math.max(300, el.clientWidth - 16);
    new window.uPlot({ width: width, height: 240, series: series, axes: [{}, { label: "events" }],
      scales: { x: { time: true } } }, columns, el);
  }

  // "Line N" buttons of the editor's problem list put the caret on that line of the DRL.
  function goToLine(button) {
    var area = document.getElementById("drl");
    var line = parseInt(button.dataset.line, 10);
    if (!area || !(line > 0)) { return; }
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var lineHeight = area.scrollHeight / Math.max(1, lines.length);
    area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-line]");
    if (b) { goToLine(b); }
  });

  function init() {
    document.querySelectorAll("[data-series]").forEach(drawChart);
    document.querySelectorAll("select.autosubmit").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
