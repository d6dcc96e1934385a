"use strict";
// The SDK's own retries against faults injected through POST /_ocifake/faults. Every case checks both
// sides: what the SDK handed its caller, and what the fake's journal saw (attempts, status of each,
// the retry token and request id the SDK re-sent).
//
// Backoff: the clients keep each operation's own retry policy (which operations and which answers
// are retried, 8 attempts) but wait 10, 20, 40 ... ms between attempts instead of the SDK's 1, 2,
// 4 ... s (helpers.fastDelays()), so that these tests take milliseconds, not minutes.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const h = require("./helpers");

const T = { timeout: 30000, skip: h.skipWithoutServer() };

// The opc-request-id the client sent: the fake answers "<client id>/<hex>/<hex>".
const clientRequestId = (entry) => entry.requestId.split("/")[0];

// Asserts that every journal entry carries the same SDK-generated retry token and request id.
function assertOneLogicalRequest(entries) {
  const token = entries[0].retryToken;
  assert.match(token, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a generated uuid token");
  for (const e of entries) {
    assert.equal(e.retryToken, token, `attempt #${e.seq} re-sends the same opc-retry-token`);
    assert.equal(clientRequestId(e), clientRequestId(entries[0]), `attempt #${e.seq} re-sends the same opc-request-id`);
  }
}

async function setUp(endpoint) {
  const instance = await h.addInstance(endpoint, { displayName: "web-1" });
  const clients = h.makeClients(endpoint, { retryConfiguration: h.fastDelays() });
  const createDetails = (displayName) => ({
    createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, displayName },
  });
  return { instance, ...clients, createDetails };
}

test("CreateImage whose answer is lost (afterCommit reset): the SDK's retry replays it, one image", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, createDetails } = await setUp(endpoint);
    const rule = await h.addFault(endpoint, {
      id: "lost-answer",
      operation: "CreateImage",
      times: 1,
      timing: "afterCommit",
      action: { type: "reset" },
    });
    assert.equal(rule.id, "lost-answer");

    const created = await compute.createImage(createDetails("golden"));
    assert.equal(created.image.displayName, "golden");
    assert.equal(created.image.lifecycleState, "PROVISIONING", "the replay is the first answer");

    const images = await compute.listImages({ compartmentId: h.COMPARTMENT_ID });
    assert.deepEqual(h.customImages(images.items).map((i) => i.id), [created.image.id], "exactly one image");

    const attempts = await h.journal(endpoint, "CreateImage");
    assert.equal(attempts.length, 2, "one lost attempt and one retry");
    assert.equal(attempts[0].status, 0, "no answer was sent to the first");
    assert.deepEqual(attempts[0].fault, { rule: "lost-answer", action: "reset", timing: "afterCommit" });
    assert.equal(attempts[0].replayed, false);
    assert.ok(attempts[0].changes.some((c) => c.includes(`image ${created.image.id} created`)), attempts[0].changes);
    assert.equal(attempts[1].status, 200);
    assert.equal(attempts[1].replayed, true, "the retry is answered from the token, not applied again");
    assert.deepEqual(attempts[1].changes, []);
    assertOneLogicalRequest(attempts);

    const [counters] = await h.faults(endpoint);
    assert.equal(counters.fired, 1);
  });
});

test("GetImage answered 409 IncorrectState twice: the SDK retries and the caller sees the image", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, createDetails } = await setUp(endpoint);
    const created = await compute.createImage(createDetails("busy"));
    await h.addFault(endpoint, {
      operation: "GetImage",
      times: 2,
      action: { type: "error", status: 409, code: "IncorrectState", message: "the image is busy" },
    });

    const got = await compute.getImage({ imageId: created.image.id });
    assert.equal(got.image.id, created.image.id);
    assert.ok(got.etag);

    const attempts = await h.journal(endpoint, "GetImage");
    assert.deepEqual(attempts.map((e) => e.status), [409, 409, 200]);
    assert.deepEqual(attempts.map((e) => e.fault && e.fault.action), ["error", "error", null]);
    // GetImage takes no retry token; the retries still carry the caller's one request id.
    assert.ok(attempts.every((e) => e.retryToken === null));
    assert.equal(new Set(attempts.map(clientRequestId)).size, 1);
  });
});

test("CreateImage throttled with 429 TooManyRequests twice: absorbed, one image, one token", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, createDetails } = await setUp(endpoint);
    await h.addFault(endpoint, {
      operation: "CreateImage",
      times: 2,
      action: { type: "error", status: 429, code: "TooManyRequests", message: "Tenancy request rate exceeded" },
    });

    const created = await compute.createImage(createDetails("throttled"));
    assert.equal(created.image.displayName, "throttled");
    const images = await compute.listImages({ compartmentId: h.COMPARTMENT_ID });
    assert.deepEqual(h.customImages(images.items).map((i) => i.id), [created.image.id]);

    const attempts = await h.journal(endpoint, "CreateImage");
    assert.deepEqual(attempts.map((e) => e.status), [429, 429, 200]);
    assert.deepEqual(attempts.map((e) => e.replayed), [false, false, false], "refused attempts do not use the token up");
    assertOneLogicalRequest(attempts);
  });
});

test("CreateImage answered a plain 409 Conflict: not retried, the caller gets the code", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, createDetails } = await setUp(endpoint);
    await h.addFault(endpoint, {
      operation: "CreateImage",
      times: 1,
      action: { type: "error", status: 409, code: "Conflict", message: "a conflicting request is in progress" },
    });

    await assert.rejects(compute.createImage(createDetails("conflicted")), (err) => {
      assert.equal(err.statusCode, 409);
      assert.equal(err.serviceCode, "Conflict");
      assert.equal(err.message, "a conflicting request is in progress");
      assert.ok(err.opcRequestId);
      return true;
    });

    const attempts = await h.journal(endpoint, "CreateImage");
    assert.equal(attempts.length, 1, "a 409 other than IncorrectState is not retried");
    assert.equal(attempts[0].status, 409);
    assert.match(attempts[0].retryToken, /^[0-9a-f-]{36}$/);
    assert.deepEqual(h.customImages((await compute.listImages({ compartmentId: h.COMPARTMENT_ID })).items), []);
  });
});

test("UpdateImage answered 500: the SDK does not retry UpdateImage, the caller gets the 500", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, waiters, createDetails } = await setUp(endpoint);
    const created = await compute.createImage(createDetails("original"));
    const image = await waiters.forImage({ imageId: created.image.id }, h.core.models.Image.LifecycleState.Available);
    await h.addFault(endpoint, {
      operation: "UpdateImage",
      times: 1,
      action: { type: "error", status: 500, code: "InternalServerError", message: "injected outage" },
    });

    const update = {
      imageId: image.image.id,
      ifMatch: image.etag,
      opcRetryToken: "rename-original-1",
      updateImageDetails: { displayName: "renamed" },
    };
    await assert.rejects(compute.updateImage(update), (err) => {
      assert.equal(err.statusCode, 500);
      assert.equal(err.serviceCode, "InternalServerError");
      assert.equal(err.message, "injected outage");
      return true;
    });
    let attempts = await h.journal(endpoint, "UpdateImage");
    assert.equal(attempts.length, 1, "UpdateImage is not retried by default");
    assert.equal(attempts[0].status, 500);
    assert.equal(attempts[0].retryToken, "rename-original-1");
    assert.equal((await compute.getImage({ imageId: image.image.id })).image.displayName, "original");

    // A caller that opts into retries for UpdateImage gets through with the same token.
    const retrying = h.makeClients(endpoint, { retryConfiguration: h.fastRetry(3) });
    const renamed = await retrying.compute.updateImage(update);
    assert.equal(renamed.image.displayName, "renamed");
    attempts = await h.journal(endpoint, "UpdateImage");
    assert.deepEqual(attempts.map((e) => e.status), [500, 200]);
    assert.deepEqual(attempts.map((e) => e.retryToken), ["rename-original-1", "rename-original-1"]);
  });
});

test("a retried ExportImage after a lost answer starts one export, not two", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, workRequests, waiters, createDetails } = await setUp(endpoint);
    const created = await compute.createImage(createDetails("exported"));
    const image = await waiters.forImage({ imageId: created.image.id }, h.core.models.Image.LifecycleState.Available);
    await h.addFault(endpoint, {
      operation: "ExportImage",
      times: 1,
      timing: "afterCommit",
      action: { type: "close" },
    });

    const exported = await compute.exportImage({
      imageId: image.image.id,
      ifMatch: image.etag,
      exportImageDetails: {
        destinationType: "objectStorageUri",
        destinationUri: "https://objectstorage.us-phoenix-1.oraclecloud.com/n/ns/b/exports/o/exported.oci",
      },
    });
    assert.equal(exported.image.lifecycleState, "EXPORTING");

    const attempts = await h.journal(endpoint, "ExportImage");
    assert.deepEqual(attempts.map((e) => [e.status, e.replayed]), [
      [0, false],
      [200, true],
    ]);
    assertOneLogicalRequest(attempts);
    const wrs = await workRequests.listWorkRequests({ compartmentId: h.COMPARTMENT_ID, resourceId: image.image.id });
    assert.deepEqual(
      wrs.items.map((w) => w.operationType).sort(),
      ["Create Image", "Export Image"],
      "one export work request"
    );
  });
});

test("exportImage right after createImage: the SDK's retry on IncorrectState sees the phase end", T, async () => {
  // The default lifecycle (provision polls(1)) and the SDK's default retry policy for ExportImage;
  // only the delays between attempts are shortened. Nobody calls GetImage or a waiter: the refused
  // export is itself a look at the PROVISIONING phase (DESIGN, lifecycle reads), so the retry finds
  // the image AVAILABLE.
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, createDetails } = await setUp(endpoint);
    const created = await compute.createImage(createDetails("export-at-once"));
    assert.equal(created.image.lifecycleState, "PROVISIONING");

    const exported = await compute.exportImage({
      imageId: created.image.id,
      exportImageDetails: { destinationType: "objectStorageTuple", namespaceName: "ns", bucketName: "b", objectName: "o" },
    });
    assert.equal(exported.image.lifecycleState, "EXPORTING");
    assert.ok(exported.opcWorkRequestId);

    const attempts = await h.journal(endpoint, "ExportImage");
    assert.deepEqual(attempts.map((e) => e.status), [409, 200], "one refused attempt, then the export");
    assert.ok(attempts[1].changes.includes(`image ${created.image.id} PROVISIONING -> AVAILABLE`), attempts[1].changes);
    assertOneLogicalRequest(attempts);
    assert.equal((await h.journal(endpoint, "GetImage")).length, 0, "no GetImage was needed");
  });
});

test("a hung GetImage: a per-attempt deadline lets the SDK's retry get through", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const instance = await h.addInstance(endpoint);
    // The SDK sets no timeout of its own: without one a hung request waits for minutes.
    const { compute } = h.makeClients(endpoint, { timeoutMs: 300 });
    const created = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id },
    });
    await h.addFault(endpoint, { operation: "GetImage", times: 1, action: { type: "hang" } });

    const started = Date.now();
    const got = await compute.getImage({ imageId: created.image.id });
    assert.equal(got.image.id, created.image.id);
    assert.ok(Date.now() - started >= 300, "the first attempt waited for its deadline");

    const attempts = await h.journal(endpoint, "GetImage");
    assert.deepEqual(attempts.map((e) => [e.status, e.fault && e.fault.action]), [
      [0, "hang"],
      [200, null],
    ]);
    assert.equal(new Set(attempts.map(clientRequestId)).size, 1);
  });
});

test("a malformed or truncated answer reaches the caller: the SDK reads bodies outside its retries", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, createDetails } = await setUp(endpoint);
    await h.addFault(endpoint, [
      { operation: "ListImages", times: 1, action: { type: "malformed" } },
      { operation: "CreateImage", times: 1, timing: "afterCommit", action: { type: "truncate" } },
    ]);

    await assert.rejects(compute.listImages({ compartmentId: h.COMPARTMENT_ID }), (err) => {
      assert.equal(err.statusCode, undefined, "not a service error");
      assert.match(err.message, /JSON/);
      return true;
    });
    assert.equal((await h.journal(endpoint, "ListImages")).length, 1, "not retried");

    // The image was created, but the caller only sees the broken answer.
    await assert.rejects(compute.createImage(createDetails("half-answered")), (err) => {
      assert.equal(err.statusCode, undefined);
      return true;
    });
    const attempts = await h.journal(endpoint, "CreateImage");
    assert.equal(attempts.length, 1, "not retried");
    assert.equal(attempts[0].status, 200);
    assert.deepEqual(attempts[0].fault, { rule: "r2", action: "truncate", timing: "afterCommit" });
    const images = await compute.listImages({ compartmentId: h.COMPARTMENT_ID });
    assert.deepEqual(h.customImages(images.items).map((i) => i.displayName), ["half-answered"]);
  });
});
