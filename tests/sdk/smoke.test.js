"use strict";
// Checks the helpers and the SDK behaviour the fake relies on, against small listeners in this
// process: no ocifake-server needed.

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const h = require("./helpers");

// A listener that records every request and answers with `respond(req, body, res)`.
async function listen(respond) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      respond(req, body, res);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return { endpoint: `http://127.0.0.1:${server.address().port}`, requests, close };
}

function answerJson(status, value, headers = {}) {
  return (req, body, res) => {
    res.writeHead(status, { "content-type": "application/json", "opc-request-id": "req-1", ...headers });
    res.end(JSON.stringify(value));
  };
}

// The verifier's rules (src/http/signature.cpp): the target as received, then with only the
// escapes of bytes %80-%FF decoded.
function decodeNonAscii(target) {
  const bytes = [];
  for (let i = 0; i < target.length; i++) {
    const m = /^%([89a-fA-F][0-9a-fA-F])/.exec(target.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1], 16));
      i += 2;
    } else {
      bytes.push(target.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

function verifySignature(request, publicKey) {
  const auth = request.headers.authorization;
  const params = {};
  for (const m of auth.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  const names = params.headers.split(" ").map((n) => n.toLowerCase());
  const signingString = (target) =>
    Buffer.concat(
      names.map((name, i) =>
        Buffer.concat([
          Buffer.from(`${i > 0 ? "\n" : ""}${name}: `),
          name === "(request-target)"
            ? Buffer.concat([Buffer.from(`${request.method.toLowerCase()} `), target])
            : Buffer.from(request.headers[name], "latin1"),
        ])
      )
    );
  const signature = Buffer.from(params.signature, "base64");
  const verifiedAs = [Buffer.from(request.url, "latin1"), decodeNonAscii(request.url)].findIndex((t) =>
    crypto.verify("sha256", signingString(t), publicKey, signature)
  );
  return { ok: verifiedAs >= 0, verifiedAs, params, names };
}

const image = {
  id: "ocid1.image.oc1.phx.aaaaaaaaimage",
  compartmentId: h.COMPARTMENT_ID,
  lifecycleState: "AVAILABLE",
  timeCreated: "2026-01-01T00:00:00.000Z",
};

test("helpers load and build clients pointed at an endpoint", () => {
  const { compute, workRequests, waiters, auth } = h.makeClients("http://127.0.0.1:1");
  assert.equal(compute.endpoint, "http://127.0.0.1:1/20160918");
  assert.equal(workRequests.endpoint, "http://127.0.0.1:1/20160918");
  assert.ok(waiters instanceof h.core.ComputeWaiter);
  assert.equal(compute.getWaiters(), waiters);
  assert.match(auth.key.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  assert.equal(auth.keyId, `${h.TENANCY_ID}/${h.USER_ID}/${auth.key.fingerprint}`);
  const skip = h.skipWithoutServer();
  assert.ok(skip === false || typeof skip === "string");
});

test("the SDK signs requests as the fake's verifier expects, non-ASCII query values included", async () => {
  const server = await listen((req, body, res) => {
    if (req.method === "GET" && req.url.startsWith("/20160918/images?")) answerJson(200, [image])(req, body, res);
    else answerJson(200, image, { etag: "e1", "opc-work-request-id": "ocid1.coreservicesworkrequest.oc1.phx.w" })(req, body, res);
  });
  try {
    const { compute, auth } = h.makeClients(server.endpoint);
    await compute.getImage({ imageId: image.id });
    const list = await compute.listImages({ compartmentId: h.COMPARTMENT_ID, displayName: "ü ö" });
    assert.equal(list.items.length, 1);
    await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: "ocid1.instance.oc1.phx.aaaa", displayName: "ä" },
    });

    const [get, listed, created] = server.requests;
    assert.equal(listed.url, `/20160918/images?compartmentId=${h.COMPARTMENT_ID}&displayName=%C3%BC%20%C3%B6`);
    for (const r of [get, listed, created]) {
      const v = verifySignature(r, auth.key.publicKey);
      assert.ok(v.ok, `${r.method} ${r.url} verifies`);
      assert.equal(v.params.keyId, auth.keyId);
      assert.equal(v.params.algorithm, "rsa-sha256");
      assert.match(r.headers.authorization, /^Signature version="1",keyId=/);
    }
    assert.deepEqual(verifySignature(get, auth.key.publicKey).names, ["x-date", "(request-target)", "host"]);
    assert.deepEqual(verifySignature(created, auth.key.publicKey).names, [
      "x-date", "(request-target)", "host", "content-type", "content-length", "x-content-sha256",
    ]);
    assert.equal(created.headers["x-content-sha256"], crypto.createHash("sha256").update(created.body).digest("base64"));
    assert.equal(Number(created.headers["content-length"]), Buffer.byteLength(created.body));
    assert.match(created.headers["opc-retry-token"], /^[0-9a-f-]{36}$/);
    // Signed raw, sent escaped: the verifier needs its second try here and only here.
    assert.equal(verifySignature(listed, auth.key.publicKey).verifiedAs, 1);
    assert.equal(verifySignature(get, auth.key.publicKey).verifiedAs, 0);
  } finally {
    await server.close();
  }
});

test("fastDelays keeps each operation's retry policy with short waits", async () => {
  const server = await listen(answerJson(503, { code: "ServiceUnavailable", message: "injected" }));
  try {
    const { compute } = h.makeClients(server.endpoint, { retryConfiguration: h.fastDelays() });
    const start = Date.now();
    await assert.rejects(compute.getImage({ imageId: image.id }), (err) => err.statusCode === 503);
    assert.equal(server.requests.length, 8, "GetImage is retried up to 8 attempts");
    assert.ok(Date.now() - start < 5000, "with millisecond waits");
    const ids = new Set(server.requests.map((r) => r.headers["opc-request-id"]));
    assert.equal(ids.size, 1, "retries reuse the opc-request-id");

    server.requests.length = 0;
    await assert.rejects(compute.updateImage({ imageId: image.id, updateImageDetails: { displayName: "x" } }));
    assert.equal(server.requests.length, 1, "UpdateImage is not retried");

    server.requests.length = 0;
    const forced = h.makeClients(server.endpoint, { retryConfiguration: h.fastRetry(3) });
    await assert.rejects(forced.compute.updateImage({ imageId: image.id, updateImageDetails: { displayName: "x" } }));
    assert.equal(server.requests.length, 3, "fastRetry(3) retries UpdateImage too");
  } finally {
    await server.close();
  }
});

test("409 is retried only with code IncorrectState", async () => {
  let code = "Conflict";
  const server = await listen((req, body, res) => answerJson(409, { code, message: "m" })(req, body, res));
  try {
    const { compute } = h.makeClients(server.endpoint);
    await assert.rejects(compute.getImage({ imageId: image.id }), (err) => err.serviceCode === "Conflict");
    assert.equal(server.requests.length, 1);
    code = "IncorrectState";
    server.requests.length = 0;
    await assert.rejects(compute.getImage({ imageId: image.id }), (err) => err.serviceCode === "IncorrectState");
    assert.equal(server.requests.length, 8);
  } finally {
    await server.close();
  }
});

test("timeoutMs gives each attempt a deadline, and timeouts are retried", async () => {
  const server = await listen(() => {}); // never answers
  try {
    const { compute } = h.makeClients(server.endpoint, { timeoutMs: 100, retryConfiguration: h.fastRetry(3) });
    const start = Date.now();
    await assert.rejects(compute.getImage({ imageId: image.id }));
    assert.equal(server.requests.length, 3);
    assert.ok(Date.now() - start < 5000);
  } finally {
    await server.close();
  }
});

test("waiters poll with the configured short delays", async () => {
  let reads = 0;
  const server = await listen((req, body, res) => {
    reads += 1;
    answerJson(200, { ...image, lifecycleState: reads < 3 ? "PROVISIONING" : "AVAILABLE" })(req, body, res);
  });
  try {
    const { waiters } = h.makeClients(server.endpoint, { waiterConfiguration: h.fastWaiter(10, 0.01) });
    const start = Date.now();
    const got = await waiters.forImage({ imageId: image.id }, h.core.models.Image.LifecycleState.Available);
    assert.equal(got.image.lifecycleState, "AVAILABLE");
    assert.equal(reads, 3);
    assert.ok(Date.now() - start < 2000);
  } finally {
    await server.close();
  }
});

test("startServer reads the endpoint from the first line and stops the process with SIGTERM", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ocifake-smoke-"));
  try {
    const fake = path.join(dir, "fake-server");
    fs.writeFileSync(fake, '#!/bin/sh\necho "ocifake-server listening on http://127.0.0.1:5555"\necho "log" >&2\nexec sleep 60\n', { mode: 0o755 });
    const s = await h.startServer({ binary: fake });
    assert.equal(s.endpoint, "http://127.0.0.1:5555");
    await s.stop();
    assert.equal(s.child.signalCode, "SIGTERM");

    const wrong = path.join(dir, "wrong-server");
    fs.writeFileSync(wrong, "#!/bin/sh\necho hello\nexec sleep 60\n", { mode: 0o755 });
    await assert.rejects(h.startServer({ binary: wrong }), /unexpected first line/);

    const dies = path.join(dir, "dying-server");
    fs.writeFileSync(dies, "#!/bin/sh\necho 'bad flag' >&2\nexit 2\n", { mode: 0o755 });
    await assert.rejects(h.startServer({ binary: dies }), /exited \(code 2.*\n.*bad flag/s);

    await assert.rejects(h.startServer({ binary: path.join(dir, "missing") }), /ENOENT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
