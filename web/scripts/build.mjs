// Builds the SDK (ESM + browser bundle + .d.ts) into web/sdk/dist and the static site
// (demo page + sdk/livecommunity.js) into the server's wwwroot.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const sdk = join(web, "sdk");
const wwwroot = join(web, "../src/LiveCommunity.Server/wwwroot");
const common = { bundle: true, target: "es2022", sourcemap: true, logLevel: "warning", legalComments: "none" };

rmSync(join(sdk, "dist"), { recursive: true, force: true });
rmSync(wwwroot, { recursive: true, force: true });
mkdirSync(join(wwwroot, "sdk"), { recursive: true });

await Promise.all([
  // For bundlers: the SDK only, SignalR stays a dependency.
  build({ ...common, entryPoints: [join(sdk, "src/index.ts")], outfile: join(sdk, "dist/index.js"), format: "esm", platform: "neutral", packages: "external" }),
  // For <script src>: everything, SignalR included, as the global LiveCommunity.
  build({ ...common, entryPoints: [join(sdk, "src/browser.ts")], outfile: join(sdk, "dist/livecommunity.js"), format: "iife", platform: "browser", minify: true }),
  // The demo page.
  build({ ...common, entryPoints: [join(web, "demo/main.ts")], outfile: join(wwwroot, "app.js"), format: "esm", platform: "browser", minify: true }),
]);

execFileSync(process.execPath, [join(web, "node_modules/typescript/bin/tsc"), "-p", join(sdk, "tsconfig.build.json")], { stdio: "inherit" });

cpSync(join(sdk, "dist/livecommunity.js"), join(wwwroot, "sdk/livecommunity.js"));
cpSync(join(sdk, "dist/livecommunity.js.map"), join(wwwroot, "sdk/livecommunity.js.map"));
for (const file of ["index.html", "style.css"]) cpSync(join(web, "demo", file), join(wwwroot, file));
console.log(`built sdk/dist and ${wwwroot}`);
