// Shows which feature of world-110m.json each name matches, exactly but ignoring case, on
// its display name or one of its aliases: `node resolve.mjs [NAME...]`, by default a list
// of names that data sets write. Needs no `npm ci`.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const world = JSON.parse(readFileSync(join(here, "world-110m.json")));
const byName = new Map();
for (const { properties: p } of world.features) {
  for (const n of [p.name, ...p.aliases]) {
    const k = n.toLowerCase();
    if (byName.has(k)) throw new Error(`${n} names two features`);
    byName.set(k, p);
  }
}
const names = process.argv.length > 2 ? process.argv.slice(2) : [
  "China", "United States", "USA", "France", "Germany", "United Kingdom", "South Korea",
  "Korea, Republic of", "Korea", "Russia", "Iran", "Taiwan", "Hong Kong", "Singapore",
  "International", "Online",
];
for (const n of names) {
  const p = byName.get(n.toLowerCase());
  const found = p ? `${p.iso_a3 ?? "(no code)"} (${p.name})` : "unresolved";
  console.log(`${JSON.stringify(n)} -> ${found}`);
}
