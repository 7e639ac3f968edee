import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../../sdk/src/ApiClient";
import { articleTopicId } from "../../sdk/src/elements";
import { FakeServer, json } from "../support/fakeServer";

/** A server that knows article "known" (topic t1) and creates topic "t_new" for a resolve with token "signed". */
function server(): FakeServer {
  const fake = new FakeServer();
  fake.routes.push((method, url, body) => {
    if (method === "GET" && url.pathname === "/api/articles/known") return json(fake.topic);
    if (method === "POST" && url.pathname === "/api/articles/resolve") {
      return (body as { token: string }).token === "signed"
        ? json({ ...fake.topic, id: "t_new" }, 201)
        : json({ title: "Unauthorized", status: 401, detail: "the article token is not valid" }, 401);
    }
    if (url.pathname === "/api/articles/broken") return json({ title: "Service Unavailable", status: 503 }, 503);
    return undefined;
  });
  return fake;
}

const api = (fake: FakeServer) => new ApiClient("http://fake", async () => "", fake.fetch);

test("an article with a discussion is found by its id, and no token is asked for", async () => {
  const fake = server();
  let asked = 0;
  assert.equal(await articleTopicId(api(fake), "known", () => `${asked++}`), "t1");
  assert.equal(asked, 0);
  assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/articles/known"]);
});

test("an article without one is resolved with the token, given as a string, a function or a promise", async () => {
  for (const token of ["signed", () => "signed", () => Promise.resolve("signed")]) {
    const fake = server();
    assert.equal(await articleTopicId(api(fake), "news/4711", token), "t_new");
    assert.deepEqual(fake.requests.map((r) => [r.method, r.path, r.body]), [
      ["GET", "/api/articles/news%2F4711", undefined],
      ["POST", "/api/articles/resolve", { token: "signed" }],
    ]);
  }
});

test("without a token there is no discussion yet (null), and nothing is created", async () => {
  for (const token of [undefined, "", () => ""]) {
    const fake = server();
    assert.equal(await articleTopicId(api(fake), "4711", token), null);
    assert.deepEqual(fake.requests.map((r) => r.method), ["GET"]);
  }
});

test("a refused token and other failures are thrown with the server's words", async () => {
  await assert.rejects(articleTopicId(api(server()), "4711", "forged"), { status: 401, message: "the article token is not valid" });
  await assert.rejects(articleTopicId(api(server()), "broken", "signed"), { status: 503 });
});
