// Which servers <live-thread> may send the reader's token to.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allowTokenFor, isTokenAllowed } from "../../sdk/src/index";

const page = "https://news.example";

test("the page's own origin gets the token, with or without a path", () => {
  assert.equal(isTokenAllowed("https://news.example", page), true);
  assert.equal(isTokenAllowed("https://news.example/community/", page), true);
  assert.equal(isTokenAllowed("/community", page), true); // relative to the page
});

test("another origin gets it only once the page allowed it", () => {
  assert.equal(isTokenAllowed("https://community.example", page), false);
  assert.equal(isTokenAllowed("https://news.example:8443", page), false); // another port is another origin
  assert.equal(isTokenAllowed("http://news.example", page), false); // and so is another scheme
  allowTokenFor("https://community.example/some/path");
  assert.equal(isTokenAllowed("https://community.example", page), true);
  assert.equal(isTokenAllowed("https://community.example/hubs", page), true);
  assert.equal(isTokenAllowed("https://evil.example", page), false);
});

test("what is not a URL never gets it", () => {
  assert.equal(isTokenAllowed("javascript:alert(1)", page), false);
  assert.equal(isTokenAllowed("http://[bad", page), false);
  assert.equal(isTokenAllowed("https://elsewhere.example", undefined), false); // no page origin (not a browser): only what was allowed
});
