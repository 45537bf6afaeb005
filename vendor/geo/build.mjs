// Builds world-110m.json, the world country outlines that folio's map charts draw, from the
// exact versions of package-lock.json.
//   node build.mjs          writes world-110m.json
//   node build.mjs --check  fails unless the committed world-110m.json is what it builds
// Run `npm ci` here first. The output is the same bytes on every machine.
//
// Sources and licences:
// - Geometry and Natural Earth names: Natural Earth 1:110m Admin 0 countries
//   (https://www.naturalearthdata.com), public domain, as TopoJSON in the npm package
//   world-atlas (countries-110m.json; package ISC, copyright Mike Bostock).
// - TopoJSON to GeoJSON: topojson-client (ISC, copyright Mike Bostock); not in the output.
// - ISO 3166-1 alpha-3 codes and English names: i18n-iso-countries (MIT, copyright
//   widdix GmbH); world-atlas gives each feature its ISO 3166-1 numeric code as `id`.
//
// The output is a minified GeoJSON FeatureCollection. Each feature's properties are
// exactly {"name", "iso_a3", "aliases"}: a short English display name, the ISO 3166-1
// alpha-3 code (null for the few Natural Earth units without one, such as Kosovo), and
// the other English names a data author might write for it (sorted, without the display
// name; a name that would fit two features stays only with the one that Natural Earth
// gives it to, if any). Rings that cross the antimeridian
// are kept on one side of it (see unwrap). Coordinates are rounded to 0.01 degree; points that repeat after
// rounding are dropped, and so are rings left with fewer than 4 points (a polygon whose
// outer ring goes, goes with its holes). Features are sorted by code, then those without
// one by name. Antarctica is left out: no country's data is about it, and it would take a
// fifth of every map's height. `node resolve.mjs NAME...` shows which feature a name from data matches.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { feature } = require("topojson-client");
const countries = require("i18n-iso-countries");
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));
const versionOf = (name) =>
  JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"))).version;

// Display names where Natural Earth's is abbreviated, dated or long.
const DISPLAY = {
  "Bosnia and Herz.": "Bosnia and Herzegovina",
  "Central African Rep.": "Central African Republic",
  "Congo": "Republic of the Congo",
  "Dem. Rep. Congo": "Democratic Republic of the Congo",
  "Dominican Rep.": "Dominican Republic",
  "Eq. Guinea": "Equatorial Guinea",
  "eSwatini": "Eswatini",
  "Falkland Is.": "Falkland Islands",
  "Fr. S. Antarctic Lands": "French Southern and Antarctic Lands",
  "Macedonia": "North Macedonia",
  "N. Cyprus": "Northern Cyprus",
  "S. Sudan": "South Sudan",
  "Solomon Is.": "Solomon Islands",
  "United States of America": "United States",
  "W. Sahara": "Western Sahara",
};

// Names in common use in data sets (the ISO 3166 and UN "X, Y of" forms, former names)
// that i18n-iso-countries does not list, by alpha-3 code.
const EXTRA_ALIASES = {
  BOL: ["Bolivia (Plurinational State of)", "Bolivia, Plurinational State of"],
  COD: ["Congo, Democratic Republic of the", "Congo, Dem. Rep.", "DR Congo", "DRC"],
  COG: ["Congo, Rep."],
  CZE: ["Czech Rep."],
  IRN: ["Iran (Islamic Republic of)", "Iran, Islamic Republic of", "Iran, Islamic Rep."],
  KOR: ["Korea (Republic of)", "Korea, Rep.", "Korea, South"],
  MKD: ["Macedonia, the former Yugoslav Republic of", "Republic of North Macedonia"],
  MMR: ["Burma"],
  PRK: [
    "Democratic People's Republic of Korea",
    "Korea (Democratic People's Republic of)",
    "Korea, Democratic People's Republic of",
    "Korea, Dem. People's Rep.",
    "Korea, North",
  ],
  RUS: ["Russian Federation"],
  SWZ: ["Swaziland"],
  TLS: ["East Timor"],
  TZA: ["Tanzania, United Republic of"],
  VEN: ["Venezuela (Bolivarian Republic of)", "Venezuela, Bolivarian Republic of"],
  VNM: ["Viet Nam"],
};

const round = (x) => Math.round(x * 100) / 100;

// A ring that crosses the antimeridian (a step of more than 180 degrees of longitude, as
// in Russia's and Fiji's outlines) is kept on the side where most of its points lie, the
// points beyond it set on the 180th meridian: drawn as given, the step would be a stripe
// across the whole map.
function unwrap(points) {
  const crosses = points.some((p, i) => i > 0 && Math.abs(p[0] - points[i - 1][0]) > 180);
  if (!crosses) return points;
  const east = points.filter((p) => p[0] > 0).length * 2 >= points.length;
  return points.map(([x, y]) => [east ? (x < 0 ? 180 : x) : (x > 0 ? -180 : x), y]);
}

// A ring rounded, without repeated points, closed; null when fewer than 4 points remain.
function ring(points) {
  const out = [];
  for (const [x, y] of unwrap(points)) {
    const p = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const [fx, fy] = out[0];
  const [lx, ly] = out[out.length - 1];
  if (out.length > 1 && (fx !== lx || fy !== ly)) out.push([fx, fy]);
  // A closed ring needs 3 distinct points, so 4 with the closing one.
  return out.length >= 4 ? out : null;
}

// A polygon's rings after rounding; null when its outer ring is degenerate.
function polygon(rings) {
  const [outer, ...holes] = rings.map(ring);
  return outer ? [outer, ...holes.filter(Boolean)] : null;
}

function geometry(g) {
  const polygons = (g.type === "Polygon" ? [g.coordinates] : g.coordinates)
    .map(polygon)
    .filter(Boolean);
  if (polygons.length === 0) return null;
  return polygons.length === 1
    ? { type: "Polygon", coordinates: polygons[0] }
    : { type: "MultiPolygon", coordinates: polygons };
}

const topology = JSON.parse(
  readFileSync(join(here, "node_modules/world-atlas/countries-110m.json")),
);
const features = [];
for (const f of feature(topology, topology.objects.countries).features) {
  const neName = f.properties.name;
  if (neName === "Antarctica") continue;
  const iso = f.id === undefined ? null : countries.numericToAlpha3(f.id) ?? null;
  if (f.id !== undefined && iso === null) throw new Error(`no ISO code for ${f.id} (${neName})`);
  const geom = f.geometry && geometry(f.geometry);
  if (!geom) throw new Error(`${neName} has no geometry left after rounding`);
  const name = DISPLAY[neName] ?? neName;
  const candidates = [
    neName,
    ...(iso ? countries.getName(iso, "en", { select: "all" }) : []),
    ...(iso ? EXTRA_ALIASES[iso] ?? [] : []),
  ];
  features.push({ name, iso, candidates, geometry: geom });
}

// A name that fits two features (i18n-iso-countries calls both Congos "Congo") is an
// alias only of the one Natural Earth calls so, if any, and never of another feature
// whose display name it is.
const key = (s) => s.toLowerCase();
const displayOwner = new Map(features.map((f) => [key(f.name), f]));
const neOwner = new Map(features.map((f) => [key(f.candidates[0]), f]));
const claims = new Map();
for (const f of features) {
  for (const c of new Set(f.candidates.map(key))) claims.set(c, (claims.get(c) ?? 0) + 1);
}
const owns = (f, k) =>
  !displayOwner.has(k) && (claims.get(k) === 1 || neOwner.get(k) === f);
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const out = features
  .map((f) => {
    const aliases = new Map();
    for (const c of [...f.candidates].sort(cmp)) {
      const k = key(c);
      if (!owns(f, k) || aliases.has(k)) continue;
      aliases.set(k, c);
    }
    return {
      type: "Feature",
      properties: { name: f.name, iso_a3: f.iso, aliases: [...aliases.values()].sort(cmp) },
      geometry: f.geometry,
    };
  })
  .sort((a, b) => {
    const [ia, ib] = [a.properties.iso_a3, b.properties.iso_a3];
    if (ia !== ib) return ia === null ? 1 : ib === null ? -1 : cmp(ia, ib);
    return cmp(a.properties.name, b.properties.name);
  });
const names = new Set();
for (const { properties: p } of out) {
  if (names.has(key(p.name))) throw new Error(`two features are called ${p.name}`);
  names.add(key(p.name));
}

const built = Buffer.from(JSON.stringify({ type: "FeatureCollection", features: out }) + "\n");
const file = join(here, "world-110m.json");
const what =
  `${built.length} bytes, ${out.length} features; world-atlas ${versionOf("world-atlas")}, ` +
  `i18n-iso-countries ${versionOf("i18n-iso-countries")}`;
if (process.argv.includes("--check")) {
  const committed = readFileSync(file);
  if (!committed.equals(built)) {
    console.error(`${file} is not what build.mjs builds: run \`node build.mjs\` and commit it`);
    process.exit(1);
  }
  console.log(`${file} is up to date (${what})`);
} else {
  writeFileSync(file, built);
  console.log(`wrote ${file} (${what})`);
}
