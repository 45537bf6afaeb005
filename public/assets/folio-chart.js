// folio: what the browser and folio's static renderer (QuickJS) both do to a chart.
//
// folioNumber: how numbers are written, for chart ticks and tooltips. The same rules as folio's
// src/number.rs (a test runs this file against it): shortest round-trip digits, exact
// scaling by a power of ten, rounding half away from zero, thousands grouped from four
// digits, a million and above in words when compact, units placed by kind.
// A format is {style: "grouped" | "compact" | "ungrouped", scale: int, digits: int | null,
// unit: string}.
var folioNumber = (function () {
  "use strict";

  var WORDS = [[12, "trillion", "T"], [9, "billion", "B"], [6, "million", "M"]];

  // A decimal: digits (array, no leading zeros) x 10^exponent.
  function parse(text) {
    var m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!m || (m[2] === "" && (m[3] || "") === "")) return null;
    var frac = m[3] || "";
    var all = (m[2] + frac).split("").map(Number);
    var exponent = (m[4] ? parseInt(m[4], 10) : 0) - frac.length;
    while (all.length && all[0] === 0) all.shift();
    while (all.length && all[all.length - 1] === 0) {
      all.pop();
      exponent += 1;
    }
    if (!all.length) exponent = 0;
    return { negative: m[1] === "-" && all.length > 0, digits: all, exponent: exponent };
  }

  function copy(d) {
    return { negative: d.negative, digits: d.digits.slice(), exponent: d.exponent };
  }

  function integerDigits(d) {
    return Math.max(d.digits.length + d.exponent, 0);
  }

  function round(d, places) {
    var drop = -places - d.exponent;
    if (drop <= 0) return d;
    var keep = d.digits.length - drop;
    if (keep < 0) return parse("0");
    var up = keep < d.digits.length && d.digits[keep] >= 5;
    var digits = d.digits.slice(0, keep);
    if (up) {
      var i = digits.length;
      for (;;) {
        if (i === 0) {
          digits.unshift(1);
          break;
        }
        i -= 1;
        if (digits[i] === 9) {
          digits[i] = 0;
        } else {
          digits[i] += 1;
          break;
        }
      }
    }
    return parse(positional({ negative: d.negative, digits: digits, exponent: d.exponent + drop }, null, false));
  }

  function positional(d, places, group) {
    var len = d.digits.length;
    var point = len + d.exponent;
    function digit(i) {
      return i >= 0 && i < len ? String(d.digits[i]) : "0";
    }
    var int = "";
    for (var i = 0; i < Math.max(point, 1); i++) int += point <= 0 ? "0" : digit(i);
    if (group && int.length >= 4) {
      var grouped = "";
      for (var j = 0; j < int.length; j++) {
        if (j > 0 && (int.length - j) % 3 === 0) grouped += ",";
        grouped += int.charAt(j);
      }
      int = grouped;
    }
    var decimals = places === null ? Math.max(-d.exponent, 0) : places;
    var frac = "";
    for (var k = 0; k < decimals; k++) frac += digit(point + k);
    return (d.negative ? "-" : "") + int + (frac ? "." + frac : "");
  }

  function digitsOf(d, format, group) {
    var places = format.style === "compact" && format.digits == null ? null : format.digits;
    return positional(d, places == null ? null : places, group);
  }

  function compactPlaces(m, format) {
    if (format.digits != null) return format.digits;
    if (m.digits.length <= 4) return Math.max(-m.exponent, 0);
    return Math.max(3 - Math.max(integerDigits(m), 1), 0);
  }

  // Writes a number without its unit; `short` gives tick forms (150B) for compact numbers.
  function bare(value, format, compact, short) {
    if (typeof value !== "number" || !isFinite(value)) return null;
    var d = parse(String(value));
    if (!d) return null;
    d.exponent += format.scale || 0;
    var group = format.style !== "ungrouped";
    if (compact) {
      // The word is chosen by the number as written without one (999,999.6 -> 1 million).
      var plain = format.digits != null ? round(copy(d), format.digits) : d;
      for (var w = 0; w < WORDS.length; w++) {
        if (integerDigits(plain) <= WORDS[w][0]) continue;
        var m = copy(d);
        m.exponent -= WORDS[w][0];
        m = round(m, compactPlaces(m, format));
        var word = WORDS[w];
        if (integerDigits(m) > 3 && w > 0) {
          word = WORDS[w - 1];
          m = copy(d);
          m.exponent -= word[0];
          m = round(m, compactPlaces(m, format));
        }
        var text = digitsOf(m, format, group);
        return short ? text + word[2] : text + " " + word[1];
      }
    }
    if (format.digits != null) d = round(d, format.digits);
    return digitsOf(d, format, group);
  }

  function withUnit(number, unit) {
    if (!unit) return number;
    // A currency with a scale word: US$ 600 billion.
    var space = unit.indexOf(" ");
    if (space > 0 && /[$€£¥]$/.test(unit.slice(0, space))) {
      return withUnit(number, unit.slice(0, space)) + " " + unit.slice(space + 1);
    }
    if (unit === "%" || unit === "×") return number + unit;
    if (/[$€£¥]$/.test(unit)) {
      var space = /[A-Za-z]/.test(unit) ? " " : "";
      return number.charAt(0) === "-" ? "-" + unit + space + number.slice(1) : unit + space + number;
    }
    return number + " " + unit;
  }

  var api = {
    // The number with its unit, as in tables and prose: "2.2 billion", "17.0%".
    text: function (value, format) {
      var number = bare(value, format, format.style === "compact", false);
      return number === null ? "–" : withUnit(number, format.unit || "");
    },
    // A tick label: a million and above always compact (150B), a percentage or currency
    // marked; other units are in the axis title.
    tick: function (value, format) {
      // Ticks are round numbers: no padding to the column's digits.
      var plain = { style: format.style, scale: format.scale || 0, digits: null };
      // From a million up, decided on the decimal digits (a float product could fall short).
      var d = typeof value === "number" && isFinite(value) ? parse(String(value)) : null;
      var large = d !== null && d.digits.length > 0 && d.digits.length + d.exponent + plain.scale > 6;
      var number = bare(value, plain, large, true);
      if (number === null) return "";
      var unit = format.unit || "";
      return unit === "%" || unit === "×" || /[$€£¥]$/.test(unit) ? withUnit(number, unit) : number;
    },
    // Gives a chart option its number formatters. An ECharts option is JSON and formatters
    // are functions, so folio writes the formats under `option.folio`: {xAxis, yAxis,
    // tooltip}, each a format or null.
    prepare: function (option) {
      var formats = option.folio;
      if (!formats) return option;
      delete option.folio;
      ["xAxis", "yAxis"].forEach(function (key) {
        var format = formats[key];
        var axes = option[key];
        if (!format || !axes) return;
        // A faceted chart has an axis of each kind per panel.
        (Object.prototype.toString.call(axes) === "[object Array]" ? axes : [axes]).forEach(function (axis) {
          axis.axisLabel = axis.axisLabel || {};
          axis.axisLabel.formatter = function (value) {
            return api.tick(value, format);
          };
        });
      });
      var tooltip = formats.tooltip;
      var tooltipX = formats.tooltipX;
      function one(value, format) {
        var missing = value === null || value === undefined || value === "-" || (typeof value === "number" && isNaN(value));
        return missing ? "–" : api.text(Number(value), format);
      }
      var encodeText = typeof echarts !== "undefined" ? echarts.format.encodeHTML : String;
      // A timeline's event: its label, its date and its lane.
      if (formats.timeline && option.tooltip) {
        option.tooltip.formatter = function (p) {
          var lane = formats.timeline.lanes ? " · " + encodeText(p.seriesName) : "";
          return p.marker + encodeText(p.name) + "<br>" + encodeText(String(p.value[0])) + lane;
        };
      }
      // A timeline's labels: at most three lines each, broken here at the width the axis
      // gives them (folioNarrow narrows it), so rows never overlap.
      if (formats.timeline && option.yAxis && option.yAxis.axisLabel) {
        var rowLabel = option.yAxis.axisLabel;
        rowLabel.overflow = "none";
        rowLabel.formatter = function (value) { return folioLines(value, rowLabel.width, 3); };
      }
      // Small multiples: where the panels go (folioPanels).
      if (formats.panels) option.__folioPanels = formats.panels;
      // A percent stack: each series' value and its share of the x's total.
      if (formats.raw && formats.share && option.tooltip) {
        var encode = typeof echarts !== "undefined" ? echarts.format.encodeHTML : String;
        option.tooltip.formatter = function (params) {
          var list = Object.prototype.toString.call(params) === "[object Array]" ? params : [params];
          var head = list.length && list[0].axisValueLabel ? encode(list[0].axisValueLabel) + "<br>" : "";
          return head + list.map(function (p) {
            var cells = formats.raw[p.seriesIndex] || [];
            var cell = cells[p.dataIndex];
            var value = cell === null || cell === undefined || cell === "" ? "–" : api.text(Number(cell), tooltip);
            var share = Object.prototype.toString.call(p.value) === "[object Array]" ? p.value[p.value.length - 1] : p.value;
            var shareText = share === null || share === undefined ? "–" : api.text(Number(share), formats.share);
            return p.marker + encode(p.seriesName) + ": " + value + " (" + shareText + ")";
          }).join("<br>");
        };
      }
      if (tooltip && option.tooltip && !option.tooltip.formatter) {
        option.tooltip.valueFormatter = function (value) {
          // A point on a time or value x axis is [x, y]: a number x is formatted too.
          if (Object.prototype.toString.call(value) === "[object Array]") {
            var y = one(value[value.length - 1], tooltip);
            if (value.length < 2) return y;
            if (typeof value[0] === "string") return value[0] + ", " + y;
            return tooltipX ? one(value[0], tooltipX) + ", " + y : y;
          }
          return one(value, tooltip);
        };
      }
      return option;
    }
  };
  return api;
})();

// folioFit: lays a drawn chart out again so that nothing is hidden. A legend wraps onto as
// many rows as it needs, and ECharts does not move the plot below it: the plot moves down,
// leaving room for the vertical axis's title. ECharts keeps axis labels inside the grid's
// container but not the last label of a horizontal axis, centred on the plot's edge, which
// the chart's edge then cut ("180,000" lost its last digits): the plot narrows until every
// text fits. It reads the laid-out boxes from ECharts' component views and zrender's display
// list (internal, but the build is vendored and pinned: vendor/echarts).
function folioFit(chart) {
  "use strict";
  var option = chart.getOption();
  var grids = option.grid || [];
  // Margins are worked out from the option's own, so that a resize can also narrow them.
  if (!chart.__folioBase) {
    chart.__folioBase = grids.length ? { top: grids[0].top, left: grids[0].left, right: grids[0].right } : {};
  }
  var base = chart.__folioBase;
  var bottom = 0;
  (chart._componentsViews || []).forEach(function (view) {
    if (!view || !view.__model || view.__model.mainType !== "legend") return;
    var box = view.group.getBoundingRect();
    bottom = Math.max(bottom, view.group.y + box.y + box.height);
  });
  var pies = (option.series || []).filter(function (s) { return s.type === "pie"; });
  // Panels (small multiples) are placed by folioPanels, each grid fitting its own labels.
  if (grids.length > 1) return;
  if (!grids.length) {
    // A pie sits below its legend, its labels kept inside the chart.
    if (pies.length && bottom) {
      var room = chart.getHeight() - bottom - 8;
      var outer = Math.max(Math.min(room / 2 - 24, chart.getWidth() / 4), 40);
      chart.setOption({
        series: pies.map(function () {
          return { center: ["50%", Math.round(bottom + 8 + room / 2)], radius: [Math.round(outer * 0.54), Math.round(outer)] };
        })
      });
    }
    return;
  }
  var change = {};
  if (bottom) change.top = Math.ceil(bottom) + 28;
  else if (typeof base.top === "number") change.top = base.top;
  var width = chart.getWidth();
  var over = { left: 0, right: 0 };
  // Measured as laid out with the base margins.
  ["left", "right"].forEach(function (side) {
    if (typeof base[side] === "number") change[side] = base[side];
  });
  if (["top", "left", "right"].some(function (k) { return change[k] !== undefined && change[k] !== grids[0][k]; })) {
    chart.setOption({ grid: change });
  }
  chart.getZr().storage.getDisplayList(true).forEach(function (el) {
    if ((el.type !== "tspan" && el.type !== "text") || el.ignore || el.invisible) return;
    var box = el.getBoundingRect().clone();
    var transform = el.getComputedTransform();
    if (transform) box.applyTransform(transform);
    over.left = Math.max(over.left, -box.x);
    over.right = Math.max(over.right, box.x + box.width - width);
  });
  var widen = {};
  ["left", "right"].forEach(function (side) {
    if (over[side] > 0.5 && typeof base[side] === "number") widen[side] = base[side] + Math.ceil(over[side]) + 2;
  });
  if (widen.left !== undefined || widen.right !== undefined) chart.setOption({ grid: widen });
}

// folioLines: `text` broken at spaces into lines of at most width / 7 characters (12 px
// DejaVu Sans averages under 7 px a character), a longer word cut; past `max` lines the
// last ends in an ellipsis. src/chart/timeline.rs counts lines by the same rule.
function folioLines(text, width, max) {
  "use strict";
  var per = Math.max(8, Math.floor(width / 7));
  var lines = [];
  var line = "";
  // Characters, not UTF-16 units, as Rust counts them: an emoji is one, never split.
  var length = function (t) { return Array.from(t).length; };
  String(text).split(/\s+/).forEach(function (word) {
    if (!word) return;
    var chars = Array.from(word);
    while (chars.length > per) {
      if (line) { lines.push(line); line = ""; }
      lines.push(chars.slice(0, per).join(""));
      chars = chars.slice(per);
    }
    word = chars.join("");
    if (!word) return;
    if (!line) line = word;
    else if (length(line) + 1 + chars.length <= per) line += " " + word;
    else { lines.push(line); line = word; }
  });
  if (line) lines.push(line);
  if (lines.length > max) {
    lines = lines.slice(0, max);
    lines[max - 1] = Array.from(lines[max - 1]).slice(0, per - 1).join("").replace(/\s+$/, "") + "…";
  }
  return lines.join("\n");
}

// folioPanels: places the panels of small multiples (a faceted chart) in `columns` columns
// below `top` pixels, in a chart `height` pixels tall: each panel's title, then its grid.
// The static image uses the layout folio wrote (up to three columns); a phone, one column.
function folioPanels(option, columns, height) {
  "use strict";
  var panels = option.__folioPanels;
  var grids = option.grid;
  if (!panels || Object.prototype.toString.call(grids) !== "[object Array]") return option;
  var titles = option.title || [];
  var rows = Math.ceil(grids.length / columns);
  var slot = (height - panels.top) / rows;
  var pct = function (px) { return (px / height * 100).toFixed(2) + "%"; };
  grids.forEach(function (grid, i) {
    var row = Math.floor(i / columns), col = i % columns;
    var y = panels.top + row * slot;
    var width = 100 / columns;
    grid.left = (width * col + 1).toFixed(2) + "%";
    grid.width = (width - 3).toFixed(2) + "%";
    grid.top = pct(y + 30);
    grid.height = pct(slot - 30 - 44);
    if (titles[i]) {
      titles[i].top = pct(y);
      titles[i].left = (width * (col + 0.5)).toFixed(2) + "%";
    }
  });
  return option;
}

// folioNarrow: a chart on a phone (the browser only; the static image is drawn 720 px wide).
// Fewer ticks on a horizontal value axis, so that their labels do not run together; long
// category names and legend entries broken onto lines within the width; a vertical axis's
// title shortened with an ellipsis rather than cut by the edge (the full title heads the
// data table); tooltips kept inside the chart.
function folioNarrow(option, width, height) {
  "use strict";
  // Small multiples stack in one column.
  if (option.__folioPanels && height) folioPanels(option, 1, height);
  var axes = function (key) {
    var axis = option[key];
    return axis ? (Object.prototype.toString.call(axis) === "[object Array]" ? axis : [axis]) : [];
  };
  // Wrapped lines get an explicit height: ECharts measures one from a CJK character, which a
  // system without CJK fonts makes tiny, and the lines then overprint.
  axes("xAxis").forEach(function (axis) {
    if (axis.type === "value" || axis.type === "time") {
      axis.splitNumber = 3;
      axis.axisLabel = axis.axisLabel || {};
      axis.axisLabel.hideOverlap = true;
    }
  });
  axes("yAxis").forEach(function (axis) {
    if (axis.type === "category") {
      axis.axisLabel = axis.axisLabel || {};
      // A timeline's event labels (broken by folioLines) get more of the width.
      if (axis.axisLabel.formatter) {
        axis.axisLabel.width = Math.round(width * 0.45);
      } else {
        axis.axisLabel.width = Math.round(width * 0.3);
        axis.axisLabel.overflow = "break";
      }
      axis.axisLabel.lineHeight = 14;
    }
    if (axis.name) axis.nameTruncate = { maxWidth: width - 70, ellipsis: "…" };
  });
  if (option.legend) {
    option.legend.itemGap = 6;
    option.legend.textStyle = { width: width - 60, overflow: "break", lineHeight: 14 };
  }
  // A map's classed legend stands in a column at the bottom left: in a row it ran past the
  // edge.
  if (option.visualMap && option.visualMap.type === "piecewise") {
    option.visualMap.orient = "vertical";
    option.visualMap.left = 8;
    option.visualMap.bottom = 8;
    // The map stands above it.
    var room = (option.visualMap.pieces || []).length * 22 + 16;
    (option.series || []).forEach(function (s) {
      if (s.type === "map") s.bottom = room;
    });
  }
  // A tooltip stays inside the chart and wraps its lines there, instead of running past the
  // chart's edge, which cuts it.
  if (option.tooltip) {
    option.tooltip.confine = true;
    option.tooltip.extraCssText = "max-width: " + (width - 16) + "px; white-space: normal;";
  }
  return option;
}
