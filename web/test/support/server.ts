// Starts a real LiveCommunity server for the integration and end-to-end tests, unless
// LC_SERVER_URL points at one already. One small module shared by both suites.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { NewUpdate, Reply, Topic, Update, UpdateChanges } from "../../sdk/src/index";

const projectDir = resolve(import.meta.dirname, "../../../src/LiveCommunity.Server");
const dll = join(projectDir, "bin/Debug/net10.0/LiveCommunity.Server.dll");
const manifest = join(projectDir, "bin/Debug/net10.0/LiveCommunity.Server.staticwebassets.endpoints.json");

export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

/** `env` adds or overrides server settings (e.g. `Moderation__HideAfterReports`). */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const given = process.env.LC_SERVER_URL;
  if (given) return { url: given.replace(/\/+$/, ""), stop: async () => {} };

  // The server serves wwwroot by the manifest its build wrote (names, lengths, hashes, compressed copies), so
  // after an `npm run build` that changed the output the server build has to catch up, as on a first run.
  if (!existsSync(dll) || !manifestMatchesWwwroot()) {
    execFileSync("dotnet", ["build", projectDir], { stdio: ["ignore", process.stderr, process.stderr] });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "lc-web-test-"));
  const child = spawn("dotnet", [dll], {
    cwd: projectDir, // the content root: wwwroot is served from here
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Development",
      ASPNETCORE_URLS: url,
      ConnectionStrings__Database: `Data Source=${join(dataDir, "lc.db")}`,
      Auth__SigningKey: randomBytes(32).toString("hex"),
      Auth__DevTokens: "true",
      Limits__RepliesPerWindow: "1000",
      Limits__ChangesPerWindow: "1000",
      Limits__ReportsPerWindow: "1000",
      Seed__Enabled: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  const stop = async () => {
    await kill(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once("exit", () => child.kill("SIGKILL"));

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/health/live`).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the server did not become live at ${url}:\n${output}`);
}

/** Whether the server's static assets manifest lists exactly the files in wwwroot, with their current content. */
function manifestMatchesWwwroot(): boolean {
  const wwwroot = join(projectDir, "wwwroot");
  if (!existsSync(manifest) || !existsSync(wwwroot)) return false;
  const built = new Map<string, string | undefined>();
  for (const endpoint of JSON.parse(readFileSync(manifest, "utf8")).Endpoints as ManifestEndpoint[]) {
    // One endpoint per file without selectors; the compressed copies have routes of their own (x.js.br).
    if (endpoint.Selectors.length === 0 && !/\.(br|gz)$/.test(endpoint.Route)) {
      built.set(endpoint.Route, endpoint.ResponseHeaders.find((header) => header.Name === "ETag")?.Value);
    }
  }
  const files = readdirSync(wwwroot, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  return files.length === built.size && files.every((file) => {
    const etag = `"${createHash("sha256").update(readFileSync(file)).digest("base64")}"`;
    return built.get(relative(wwwroot, file).replaceAll("\\", "/")) === etag;
  });
}

interface ManifestEndpoint {
  Route: string;
  Selectors: unknown[];
  ResponseHeaders: { Name: string; Value: string }[];
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}

/** REST helpers for test set-up, straight over fetch so they do not depend on the SDK under test. */
export class Api {
  constructor(readonly url: string) {}

  async token(name: string, role: "member" | "moderator" | "admin" | "journalist" = "member", badge?: string): Promise<{ token: string; userId: string }> {
    return this.send("POST", "/api/dev/token", "", { name, role, badge });
  }

  async createTopic(token: string, title: string, body = "What do you think?", sourceUrls: string[] = []): Promise<Topic> {
    return this.send("POST", "/api/topics", token, { title, body, sourceUrls });
  }

  /** PUT /api/articles/{id} as a publisher would (a moderator's token will do). */
  async putArticle(token: string, articleId: string, title: string, url = `https://news.example/${articleId}`): Promise<Topic> {
    return this.send("PUT", `/api/articles/${encodeURIComponent(articleId)}`, token, { title, url });
  }

  async postReply(token: string, topicId: string, body: string, parentId?: string): Promise<Reply> {
    return this.send("POST", `/api/topics/${topicId}/replies`, token, parentId ? { body, parentId } : { body });
  }

  async react(token: string, replyId: string, kind: string): Promise<unknown> {
    return this.send("PUT", `/api/replies/${replyId}/reactions/${kind}`, token);
  }

  async postUpdate(token: string, topicId: string, update: NewUpdate): Promise<Update> {
    return this.send("POST", `/api/topics/${topicId}/updates`, token, update);
  }

  async editUpdate(token: string, updateId: string, changes: UpdateChanges): Promise<Update> {
    return this.send("PATCH", `/api/updates/${updateId}`, token, changes);
  }

  /** DELETE of any resource (an update, a reply); 204. */
  async delete(token: string, path: string): Promise<void> {
    await this.send("DELETE", path, token);
  }

  private async send<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(this.url + path, {
      method,
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

/** Polls until `check` holds, or fails with `message`. */
export async function eventually(check: () => boolean, message: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
