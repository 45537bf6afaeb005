// folio: progressive enhancements. Every page works without this script: charts have a
// static SVG twin and a data table.
(function () {
  "use strict";

  // Below this width, in pixels, a chart is laid out for a phone (folioNarrow).
  var NARROW = 480;
  // The least height, in pixels, of a plot under its legend.
  var MIN_PLOT = 160;

  // Colours for dark mode: the same hues as the light palette, lighter for contrast.
  var DARK_PALETTE = ["#56B4E9", "#F28E2B", "#2EC4A0", "#E8A3CB", "#9FD8FB", "#F0C94A", "#FFFFFF", "#BBBBBB",
    "#D77FA1", "#44BB66", "#8877DD", "#CCCC55"];

  function drawCharts() {
    // folio-chart.js formats numbers and fits the layout; a theme that does not load it keeps
    // the static charts.
    if (typeof echarts === "undefined" || typeof folioNumber === "undefined" || typeof folioFit === "undefined" || typeof folioNarrow === "undefined") return;
    var scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    var charts = [];
    var scripts = document.querySelectorAll("script.folio-option");
    Array.prototype.forEach.call(scripts, function (script) {
      var figure = script.closest("figure");
      var holder = figure && figure.querySelector(".chart");
      if (!holder) return;
      var base;
      try {
        base = JSON.parse(script.textContent);
      } catch (e) {
        return; // Keep the static chart.
      }
      var box = document.createElement("div");
      box.className = "chart-live";
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", holder.getAttribute("data-label") || "Chart");
      holder.appendChild(box);
      holder.classList.add("is-live");
      var entry = { box: box, base: base, holder: holder, chart: null };
      // The live chart keeps the static image's proportions.
      var img = holder.querySelector("img");
      if (img && img.getAttribute("width") && img.getAttribute("height")) {
        box.style.aspectRatio = img.getAttribute("width") + " / " + img.getAttribute("height");
      }
      var start = function () {
        try {
          draw(entry, scheme && scheme.matches);
        } catch (e) {
          // Keep the static chart.
          if (entry.chart) entry.chart.dispose();
          if (box.parentNode) holder.removeChild(box);
          holder.classList.remove("is-live");
          return;
        }
        charts.push(entry);
      };
      // A map draws once its world geometry, served with the site, has loaded; until then,
      // and if it cannot load, the static map stays.
      var geo = holder.getAttribute("data-geo");
      if (geo && !echarts.getMap("world")) {
        holder.classList.remove("is-live");
        box.style.display = "none";
        loadGeo(geo, function () {
          box.style.display = "";
          holder.classList.add("is-live");
          start();
        }, function () {
          holder.removeChild(box);
        });
        return;
      }
      start();
    });
    if (!scripts.length) return;
    window.addEventListener("resize", function () {
      charts.forEach(function (c) {
        // Crossing the phone width lays the chart out afresh.
        if ((c.box.clientWidth < NARROW) !== c.narrow) {
          c.box.style.height = "";
          draw(c, scheme && scheme.matches);
          return;
        }
        c.chart.resize();
        folioFit(c.chart);
      });
    });
    if (scheme && scheme.addEventListener) {
      scheme.addEventListener("change", function (e) {
        charts.forEach(function (c) { draw(c, e.matches); });
      });
    }
  }

  // Loads the world geometry of map charts once, for every map on the page.
  var geoWaiting = null;
  function loadGeo(url, done, failed) {
    if (geoWaiting) { geoWaiting.push([done, failed]); return; }
    geoWaiting = [[done, failed]];
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.onload = function () {
      var ok = false;
      if (request.status === 200) {
        try {
          echarts.registerMap("world", JSON.parse(request.responseText));
          ok = true;
        } catch (e) { ok = false; }
      }
      geoWaiting.forEach(function (w) { (ok ? w[0] : w[1])(); });
    };
    request.onerror = function () { geoWaiting.forEach(function (w) { w[1](); }); };
    request.send();
  }

  function draw(entry, dark) {
    if (entry.chart) entry.chart.dispose();
    var option = JSON.parse(JSON.stringify(entry.base));
    option.backgroundColor = "transparent";
    if (dark) option.color = DARK_PALETTE;
    folioNumber.prepare(option);
    var width = entry.box.clientWidth;
    entry.narrow = width < NARROW;
    // Timelines and small multiples need more height on a phone than the proportions give:
    // a row per event, a panel per row.
    var phone = +entry.holder.getAttribute("data-phone-height");
    entry.box.style.height = entry.narrow && phone ? Math.max(phone, Math.ceil(width * 420 / 720)) + "px" : "";
    if (width && entry.narrow) folioNarrow(option, width, entry.box.clientHeight);
    entry.chart = echarts.init(entry.box, dark ? "dark" : null, { renderer: "svg" });
    entry.chart.setOption(option);
    folioFit(entry.chart);
    grow(entry);
  }

  // A legend of many rows on a phone leaves little room for the plot: the chart grows
  // taller until the plot has MIN_PLOT pixels.
  function grow(entry) {
    var grid = (entry.chart.getOption().grid || [])[0];
    if (!grid || typeof grid.top !== "number") return;
    var height = entry.chart.getHeight();
    var plot = height - grid.top - (typeof grid.bottom === "number" ? grid.bottom : 60) - 30;
    if (plot >= MIN_PLOT) return;
    entry.box.style.height = Math.ceil(height + MIN_PLOT - plot) + "px";
    entry.chart.resize();
    folioFit(entry.chart);
  }

  function copyButtons() {
    var blocks = document.querySelectorAll("[data-copy]");
    Array.prototype.forEach.call(blocks, function (block) {
      if (!navigator.clipboard) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(block.textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      block.parentNode.insertBefore(button, block);
    });
  }

  // An embedded figure tells the page around it how tall it is, so that the snippet's
  // script can size its iframe (no scroll bar, no gap). Only its height is sent.
  function reportHeight() {
    if (!document.body || !document.body.classList.contains("embed") || window.parent === window) return;
    var last = 0;
    var post = function () {
      var height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ folioEmbed: true, height: height }, "*");
    };
    post();
    window.addEventListener("load", post);
    window.addEventListener("resize", post);
    if (window.ResizeObserver) new ResizeObserver(post).observe(document.body);
  }

  // Search: Pagefind's UI, served with the site, in place of the link to the contents that
  // readers without scripts get.
  function search() {
    var box = document.querySelector(".site-search");
    if (!box || typeof PagefindUI === "undefined") return;
    var holder = document.createElement("div");
    holder.id = "site-search";
    box.textContent = "";
    box.appendChild(holder);
    new PagefindUI({
      element: "#site-search",
      bundlePath: box.getAttribute("data-bundle"),
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      translations: { placeholder: "Search the report" }
    });
    // Pagefind's input has a title and a placeholder but no label: give it one, once drawn.
    var name = function () {
      var input = holder.querySelector("input");
      if (input && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", "Search the report");
      return !!input;
    };
    if (!name() && window.MutationObserver) {
      var watch = new MutationObserver(function () { if (name()) watch.disconnect(); });
      watch.observe(holder, { childList: true, subtree: true });
    }
  }

  // Charts' static images load lazily on screen; on paper every one must be there. The
  // print edition loads them all at once, and any page does before it is printed.
  function loadImages() {
    Array.prototype.forEach.call(document.querySelectorAll("img[loading=lazy]"), function (img) {
      img.loading = "eager";
    });
  }
  window.addEventListener("beforeprint", loadImages);
  if (document.querySelector(".print-edition")) loadImages();

  // The dev server swaps a page's content in place after a rebuild and calls this.
  window.folioDrawCharts = function () { drawCharts(); copyButtons(); };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawCharts(); copyButtons(); reportHeight(); search(); });
  } else {
    drawCharts();
    copyButtons();
    reportHeight();
    search();
  }
})();
