// Builds the SDK (ESM core and elements + browser bundle + .d.ts) into web/sdk/dist and the static site into the server's wwwroot:
//   index.html                  the demo page, referring to its assets by their hashed names
//   assets/app.<hash>.js        the demo page's script and stylesheet, named by content hash so the server can
//   assets/style.<hash>.css     let browsers cache them for a year (a new build is a new name)
//   sdk/livecommunity.js        the embed bundle at the stable URL host sites put in their pages
// Compression is left to the server build (MapStaticAssets writes .gz and .br next to these files).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const sdk = join(web, "sdk");
const wwwroot = join(web, "../src/LiveCommunity.Server/wwwroot");
const common = { bundle: true, target: "es2022", sourcemap: true, logLevel: "warning", legalComments: "none" };

rmSync(join(sdk, "dist"), { recursive: true, force: true });
rmSync(wwwroot, { recursive: true, force: true });
mkdirSync(join(wwwroot, "sdk"), { recursive: true });

const [, , demo] = await Promise.all([
  // For bundlers: the SDK only, SignalR stays a dependency; the core and the elements (a subpath) share chunks, so a
  // page that imports both has one LiveCommunity class.
  build({
    ...common,
    entryPoints: { index: join(sdk, "src/index.ts"), elements: join(sdk, "src/elements.ts") },
    outdir: join(sdk, "dist"),
    splitting: true,
    format: "esm",
    platform: "neutral",
    packages: "external",
  }),
  // For <script src>: everything, SignalR included, as the global LiveCommunity.
  build({ ...common, entryPoints: [join(sdk, "src/browser.ts")], outfile: join(sdk, "dist/livecommunity.js"), format: "iife", platform: "browser", minify: true }),
  // The demo page's script and stylesheet, with the content hash in their names.
  build({
    ...common,
    entryPoints: { app: join(web, "demo/main.ts"), style: join(web, "demo/style.css") },
    outdir: join(wwwroot, "assets"),
    entryNames: "[name].[hash]",
    format: "esm",
    platform: "browser",
    minify: true,
    metafile: true,
  }),
]);

execFileSync(process.execPath, [join(web, "node_modules/typescript/bin/tsc"), "-p", join(sdk, "tsconfig.build.json")], { stdio: "inherit" });

cpSync(join(sdk, "dist/livecommunity.js"), join(wwwroot, "sdk/livecommunity.js"));
cpSync(join(sdk, "dist/livecommunity.js.map"), join(wwwroot, "sdk/livecommunity.js.map"));

// index.html names app.js and style.css; point it at the hashed files.
const hashed = new Map(
  Object.entries(demo.metafile.outputs)
    .filter(([, output]) => output.entryPoint)
    .map(([file, output]) => [basename(output.entryPoint), relative(wwwroot, join(web, file)).replaceAll("\\", "/")]),
);
let html = readFileSync(join(web, "demo/index.html"), "utf8");
for (const [source, name] of [["main.ts", "app.js"], ["style.css", "style.css"]]) {
  const reference = new RegExp(`(src|href)="${name.replace(".", "\\.")}"`);
  if (!reference.test(html) || !hashed.has(source)) throw new Error(`demo/index.html must refer to ${name} once`);
  html = html.replace(reference, `$1="${hashed.get(source)}"`);
}
writeFileSync(join(wwwroot, "index.html"), html);

// What browsers download, for the embed bundle's budget (checked by the server tests, docs/deployment.md).
const bundle = readFileSync(join(wwwroot, "sdk/livecommunity.js"));
const gzip = gzipSync(bundle, { level: 9 }).length;
const brotli = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`built sdk/dist and ${wwwroot}; sdk/livecommunity.js: ${bundle.length} bytes, gzip ${gzip}, brotli ${brotli}`);
