"use strict";
// Request signatures end to end: ocifake-server started with --verify-signatures and the test key's
// public half (--public-key FILE), and the SDK signing as it always does.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const h = require("./helpers");

const { Image } = h.core.models;
const T = { timeout: 30000, skip: h.skipWithoutServer() };

const notAuthenticated = (check) => (err) => {
  assert.equal(err.statusCode, 401);
  assert.equal(err.serviceCode, "NotAuthenticated");
  assert.match(err.message, check);
  return true;
};

test("the SDK signing with the registered key: create, wait, get, list (non-ASCII filter), update, delete", T, async () => {
  const key = h.testKey();
  await h.withServer({ publicKeys: [key.publicKey] }, async ({ endpoint }) => {
    // Admin calls are never signature-checked: plain fetch, no authorization header.
    const instance = await h.addInstance(endpoint, { displayName: "signed-vm" });
    const { compute, workRequests, waiters } = h.makeClients(endpoint, { auth: h.makeAuthProvider({ key }) });

    const created = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, displayName: "ü ö" },
    });
    const plain = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, displayName: "plain name" },
    });
    const done = await waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Available);
    assert.equal(done.image.displayName, "ü ö");
    assert.equal((await compute.getImage({ imageId: plain.image.id })).image.displayName, "plain name");

    // The SDK signs "ü%20ö" with the letters raw and sends them escaped: the fake verifies both forms.
    const byName = await compute.listImages({ compartmentId: h.COMPARTMENT_ID, displayName: "ü ö" });
    assert.deepEqual(byName.items.map((i) => i.id), [created.image.id]);
    const spaced = await compute.listImages({ compartmentId: h.COMPARTMENT_ID, displayName: "plain name" });
    assert.deepEqual(spaced.items.map((i) => i.id), [plain.image.id]);
    // Page tokens travel in the signed query too.
    const all = [];
    for await (const image of compute.listImagesRecordIterator({ compartmentId: h.COMPARTMENT_ID, limit: 1 }))
      all.push(image);
    assert.deepEqual(h.customImages(all).map((i) => i.id).sort(), [created.image.id, plain.image.id].sort());

    const wr = await workRequests.getWorkRequest({ workRequestId: created.opcWorkRequestId });
    assert.equal(wr.workRequest.status, "SUCCEEDED");
    const wrs = await workRequests.listWorkRequests({ compartmentId: h.COMPARTMENT_ID });
    assert.equal(wrs.items.length, 2);

    const updated = await compute.updateImage({
      imageId: created.image.id,
      ifMatch: done.etag,
      updateImageDetails: { displayName: "ä ß €", freeformTags: { "clé": "välue" } },
    });
    assert.equal(updated.image.displayName, "ä ß €");
    await compute.addImageShapeCompatibilityEntry({
      imageId: created.image.id,
      shapeName: "VM.Standard.E4.Flex",
      addImageShapeCompatibilityEntryDetails: {},
    });
    await compute.deleteImage({ imageId: created.image.id });
    const gone = await waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Deleted);
    assert.equal(gone.image.lifecycleState, "DELETED");

    const entries = (await h.journal(endpoint)).filter((e) => e.operation !== "Admin");
    assert.ok(entries.length >= 12, `${entries.length} signed requests`);
    assert.deepEqual(
      entries.filter((e) => e.status === 401),
      [],
      "no signed request was refused"
    );
  });
});

test("a client signing with a key the server does not know gets 401 NotAuthenticated", T, async () => {
  const registered = h.testKey();
  const stranger = h.generateKeyPair();
  await h.withServer({ publicKeys: [registered.publicKey] }, async ({ endpoint }) => {
    const instance = await h.addInstance(endpoint);
    const good = h.makeClients(endpoint, { auth: h.makeAuthProvider({ key: registered }) });
    const bad = h.makeClients(endpoint, { auth: h.makeAuthProvider({ key: stranger }) });

    const created = await good.compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id },
    });
    await h.admin(endpoint, "DELETE", "/journal");

    await assert.rejects(
      bad.compute.getImage({ imageId: created.image.id }),
      notAuthenticated(/signature does not verify/)
    );
    await assert.rejects(
      bad.compute.listImages({ compartmentId: h.COMPARTMENT_ID, displayName: "ü ö" }),
      notAuthenticated(/signature does not verify/)
    );
    await assert.rejects(
      bad.compute.createImage({ createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id } }),
      notAuthenticated(/signature does not verify/)
    );
    await assert.rejects(
      bad.workRequests.getWorkRequest({ workRequestId: created.opcWorkRequestId }),
      notAuthenticated(/signature does not verify/)
    );

    const entries = (await h.journal(endpoint)).filter((e) => e.operation !== "Admin");
    assert.deepEqual(
      entries.map((e) => [e.operation, e.status]),
      [
        ["GetImage", 401],
        ["ListImages", 401],
        ["CreateImage", 401],
        ["GetWorkRequest", 401],
      ],
      "401 is not retried, and nothing changed"
    );
    assert.ok(entries.every((e) => e.changes.length === 0));
    const images = await good.compute.listImages({ compartmentId: h.COMPARTMENT_ID });
    assert.equal(h.customImages(images.items).length, 1);
  });
});

test("several registered keys: each signs successfully; a request with no signature is refused", T, async () => {
  const first = h.testKey();
  const second = h.generateKeyPair();
  await h.withServer({ publicKeys: [first.publicKey, second.publicKey] }, async ({ endpoint }) => {
    const instance = await h.addInstance(endpoint);
    for (const key of [first, second]) {
      const { compute } = h.makeClients(endpoint, { auth: h.makeAuthProvider({ key, user: "ocid1.user.oc1..aaaaaaaaother" }) });
      const created = await compute.createImage({
        createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id },
      });
      assert.equal((await compute.getImage({ imageId: created.image.id })).image.id, created.image.id);
    }

    const unsigned = await fetch(`${endpoint}/20160918/images?compartmentId=${h.COMPARTMENT_ID}`);
    assert.equal(unsigned.status, 401);
    assert.ok(unsigned.headers.get("opc-request-id"));
    const body = await unsigned.json();
    assert.equal(body.code, "NotAuthenticated");
    assert.match(body.message, /missing authorization header/);

    const health = await h.admin(endpoint, "GET", "/health");
    assert.deepEqual(health, { status: "ok" }, "admin calls need no signature");
  });
});
