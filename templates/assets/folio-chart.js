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
      for (var w = 0; w < WORDS.length; w++) {
        if (integerDigits(d) <= WORDS[w][0]) continue;
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
    if (unit === "%") return number + "%";
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
      var scaled = Math.abs(value) * Math.pow(10, plain.scale);
      var number = bare(value, plain, scaled >= 1e6, true);
      if (number === null) return "";
      var unit = format.unit || "";
      return unit === "%" || /[$€£¥]$/.test(unit) ? withUnit(number, unit) : number;
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
        var axis = option[key];
        if (!format || !axis) return;
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = function (value) {
          return api.tick(value, format);
        };
      });
      var tooltip = formats.tooltip;
      if (tooltip && option.tooltip) {
        option.tooltip.valueFormatter = function (value) {
          if (Object.prototype.toString.call(value) === "[object Array]") value = value[value.length - 1];
          return value === null || value === undefined || value === "-" ? "–" : api.text(Number(value), tooltip);
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
  var grids = chart.getOption().grid;
  if (!grids || !grids.length) return;
  var grid = grids[0];
  var change = {};
  var bottom = 0;
  (chart._componentsViews || []).forEach(function (view) {
    if (!view || !view.__model || view.__model.mainType !== "legend") return;
    var box = view.group.getBoundingRect();
    bottom = Math.max(bottom, view.group.y + box.y + box.height);
  });
  if (bottom) {
    var top = Math.ceil(bottom) + 28;
    if (grid.top !== top) change.top = top;
  }
  var width = chart.getWidth();
  var over = { left: 0, right: 0 };
  chart.getZr().storage.getDisplayList(true).forEach(function (el) {
    if ((el.type !== "tspan" && el.type !== "text") || el.ignore || el.invisible) return;
    var box = el.getBoundingRect().clone();
    var transform = el.getComputedTransform();
    if (transform) box.applyTransform(transform);
    over.left = Math.max(over.left, -box.x);
    over.right = Math.max(over.right, box.x + box.width - width);
  });
  ["left", "right"].forEach(function (side) {
    if (over[side] > 0.5 && typeof grid[side] === "number") {
      change[side] = grid[side] + Math.ceil(over[side]) + 2;
    }
  });
  if (change.top !== undefined || change.left !== undefined || change.right !== undefined) {
    chart.setOption({ grid: change });
  }
}
