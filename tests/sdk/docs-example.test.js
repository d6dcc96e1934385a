"use strict";
// The TypeScript example of docs/clients.md. The first test is quoted there verbatim, so it
// configures the SDK by hand, as an application would, rather than through helpers.js; the second
// fails when the page and this file drift apart.

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { test } = require("node:test");

const h = require("./helpers");

const T = { timeout: 30000, skip: h.skipWithoutServer() };

test("docs/clients.md: the SDK pointed at ocifake-server, configured by hand", T, async () => {
  const crypto = require("node:crypto");
  const common = require("oci-common");
  const core = require("oci-core");
  const workrequests = require("oci-workrequests");

  const { endpoint, stop } = await h.startServer(); // ocifake-server --port 0; endpoint "http://127.0.0.1:PORT"
  try {
    // A throwaway key: the fake checks signatures only when started with --verify-signatures.
    const { privateKey } = crypto.generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const provider = new common.SimpleAuthenticationDetailsProvider(
      "ocid1.tenancy.oc1..aaaaaaaaexample",
      "ocid1.user.oc1..aaaaaaaaexample",
      "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", // only echoed in the keyId
      privateKey,
      null // no passphrase; and no region, which would point the clients at the real service
    );
    const compute = new core.ComputeClient({ authenticationDetailsProvider: provider });
    const workRequests = new workrequests.WorkRequestClient({ authenticationDetailsProvider: provider });
    compute.endpoint = endpoint; // the SDK appends /20160918
    workRequests.endpoint = endpoint;
    // Poll every 50 ms instead of the SDK's 1, 2, 4 ... s.
    const waiters = compute.createWaiters(workRequests, {
      terminationStrategy: new common.MaxTimeTerminationStrategy(30),
      delayStrategy: new common.FixedTimeDelayStrategy(0.05),
    });

    // The instance to image, registered through the fake's admin API.
    const compartmentId = "ocid1.compartment.oc1..aaaaaaaaexample";
    const registered = await fetch(`${endpoint}/_ocifake/instances`, {
      method: "POST",
      body: JSON.stringify({ compartmentId, displayName: "build-vm" }),
    });
    const instance = await registered.json();

    const { response, workRequestResponse } = await waiters.forCreateImage({
      createImageDetails: { compartmentId, instanceId: instance.id, displayName: "golden" },
    });
    assert.equal(workRequestResponse.workRequest.status, "SUCCEEDED");
    const { image } = await compute.getImage({ imageId: response.image.id });
    assert.equal(image.lifecycleState, "AVAILABLE");
    assert.equal(image.displayName, "golden");
  } finally {
    await stop();
  }
});

test("docs/clients.md quotes the example above verbatim", () => {
  const page = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "clients.md"), "utf8");
  const source = fs.readFileSync(__filename, "utf8");
  const marker = "<!-- quoted from tests/sdk/docs-example.test.js -->";
  const at = page.indexOf(marker);
  assert.ok(at >= 0, `docs/clients.md has the marker ${marker}`);
  const block = /```js\n([\s\S]*?)\n```/.exec(page.slice(at));
  assert.ok(block, "a ```js block follows the marker");
  assert.ok(source.includes(block[1]), "the block is this file's first test, character for character");
  assert.match(block[1], /^test\("docs\/clients\.md: the SDK pointed at ocifake-server/);
});
