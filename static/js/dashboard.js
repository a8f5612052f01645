/* Dashboard charts (Apache ECharts, vendored). Each chart has a table beside it; a click on a
   chart element opens the list behind it. Status colours (红黄绿灯) come from the server and are
   used only where colour means status; other bars are a neutral slate. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  var NEUTRAL = "#56687a";  // slate: not red/amber/green/blue, which mean 严重滞后/滞后/正常/完成

  function go(url) { if (url) { window.location.href = url; } }

  function bars(el, series, options) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: series.labels,
               axisLabel: { width: options.labelWidth || 140, overflow: "truncate" } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      series: [{ type: "bar", data: series.values, barMaxWidth: 18,
                 itemStyle: { color: options.color || NEUTRAL },
                 label: { show: true, position: "right", formatter: "{c}%" } }]
    });
    chart.on("click", function (p) { go(series.urls && series.urls[p.dataIndex]); });
    return chart;
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    var chart;
    if (kind === "colours") {
      chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: "{b}：{c} 项（{d}%）" },
        series: [{ type: "pie", radius: ["45%", "75%"], data: data.colours,
                   label: { formatter: "{b}\n{c}" } }]
      });
      chart.on("click", function (p) { go(p.data && p.data.url); });
    } else if (kind === "progress") {
      chart = bars(el, { labels: data.progress.labels, values: data.progress.values }, { labelWidth: 90 });
    } else if (kind === "sections") {
      chart = bars(el, data.sections, {});
    } else if (kind === "departments") {
      chart = bars(el, data.departments, { labelWidth: 80 });
    } else if (kind === "indicators") {
      chart = bars(el, data.indicators, { labelWidth: 220 });
    }
    if (chart) { charts.push(chart); }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  // Paper is narrower than most screens: redraw at the print layout's size (beforeprint, and the
  // print media query for browsers that switch layout after that event); CSS scales a chart
  // drawn at the screen's size down to the paper if neither comes in time.
  function fit() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", fit);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) { print.addEventListener("change", fit); }
  }
})();
