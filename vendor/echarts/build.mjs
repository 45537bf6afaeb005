// Builds echarts.min.js from entry.js with the exact versions of package-lock.json.
//   node build.mjs          writes echarts.min.js
//   node build.mjs --check  fails unless the committed echarts.min.js is what it builds
// Run `npm ci` here first. The output is the same bytes on every machine.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const version = JSON.parse(readFileSync(join(here, "node_modules/echarts/package.json"))).version;
const banner = `/*! Apache ECharts ${version} (https://echarts.apache.org), the parts folio uses.
 * Licensed under the Apache License, Version 2.0; see LICENSE.txt and NOTICE.txt. */`;
const result = await esbuild.build({
  entryPoints: [join(here, "entry.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2015",
  legalComments: "none",
  define: { "process.env.NODE_ENV": "\"production\"" },
  banner: { js: banner },
  write: false,
});
const built = result.outputFiles[0].contents;
const out = join(here, "echarts.min.js");
if (process.argv.includes("--check")) {
  const committed = readFileSync(out);
  if (!committed.equals(Buffer.from(built))) {
    console.error(`${out} is not what build.mjs builds from entry.js: run \`node build.mjs\` and commit it`);
    process.exit(1);
  }
  console.log(`${out} is up to date (${built.length} bytes, ECharts ${version})`);
} else {
  writeFileSync(out, built);
  console.log(`wrote ${out} (${built.length} bytes, ECharts ${version})`);
}
