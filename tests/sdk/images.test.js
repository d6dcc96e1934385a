"use strict";
// The Images and Work Requests workflow with the official OCI TypeScript SDK, unchanged, against
// ocifake-server: each test starts a server of its own on a free port.

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const h = require("./helpers");

const { Image } = h.core.models;
const OTHER_COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaocifakeother";
// Every test gets its own deadline: a waiter or a retry that never ends fails the test, not the run.
const T = { timeout: 30000, skip: h.skipWithoutServer() };

const tupleSource = (objectName = "ubuntu.qcow2") => ({
  sourceType: "objectStorageTuple",
  namespaceName: "ns",
  bucketName: "images",
  objectName,
  sourceImageType: "QCOW2",
  operatingSystem: "Ubuntu",
  operatingSystemVersion: "22.04",
});

// An image from a fresh instance, followed to AVAILABLE; resolves to the GetImage response.
async function availableImage(endpoint, clients, details = {}) {
  const instance = await h.addInstance(endpoint, { displayName: "build-vm" });
  const created = await clients.compute.createImage({
    createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, ...details },
  });
  return clients.waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Available);
}

test("CreateImage from an instance, then ComputeWaiter.forImage to AVAILABLE", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const instance = await h.addInstance(endpoint, {
      displayName: "web-1",
      operatingSystem: "Oracle Linux",
      operatingSystemVersion: "9",
    });
    const { compute, waiters } = h.makeClients(endpoint);

    const created = await compute.createImage({
      createImageDetails: {
        compartmentId: h.COMPARTMENT_ID,
        instanceId: instance.id,
        displayName: "golden",
        freeformTags: { env: "test" },
      },
    });
    assert.equal(created.image.lifecycleState, Image.LifecycleState.Provisioning);
    assert.equal(created.image.displayName, "golden");
    assert.equal(created.image.operatingSystem, "Oracle Linux");
    assert.equal(created.image.operatingSystemVersion, "9");
    assert.deepEqual(created.image.freeformTags, { env: "test" });
    assert.match(created.image.id, /^ocid1\.image\.oc1\.phx\./);
    assert.match(created.etag, /^[0-9a-f]{64}$/);
    assert.match(created.opcWorkRequestId, /^ocid1\.coreservicesworkrequest\./);
    assert.ok(created.opcRequestId);

    const done = await waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Available);
    assert.equal(done.image.lifecycleState, Image.LifecycleState.Available);
    assert.equal(done.image.id, created.image.id);
    assert.notEqual(done.etag, created.etag, "a lifecycle transition gives a new etag");

    const got = await compute.getImage({ imageId: created.image.id });
    assert.equal(got.image.lifecycleState, "AVAILABLE");
    assert.equal(got.etag, done.etag);
  });
});

test("public OCI by default: launchMode ACCELERATEDPV, as the SDK's enums have it, followed to AVAILABLE", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const done = await availableImage(endpoint, clients, {
      launchMode: h.core.models.CreateImageDetails.LaunchMode.Acceleratedpv,
      launchOptions: { networkType: h.core.models.LaunchOptions.NetworkType.Acceleratedpv },
    });
    assert.equal(done.image.launchMode, Image.LaunchMode.Acceleratedpv);
    assert.equal(done.image.launchOptions.networkType, "ACCELERATEDPV");
    assert.equal(done.image.imageVolumeDetails, undefined, "not part of public OCI's Image");
    // The Private Cloud Appliance value is refused, as public OCI refuses it.
    const instance = await h.addInstance(endpoint, {});
    await assert.rejects(
      clients.compute.createImage({
        createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, launchMode: "VDPA" },
      }),
      (err) => {
        assert.equal(err.statusCode, 400);
        assert.equal(err.serviceCode, "InvalidParameter");
        assert.match(err.message, /launchMode: one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, CUSTOM; got "VDPA"/);
        return true;
      },
    );
  });
});

test("--dialect pca: VDPA and shouldIncludeDataVolumes, as Private Cloud Appliance takes them", T, async () => {
  await h.withServer({ args: ["--dialect", "pca", "--seed", "1"] }, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    const instance = await h.addInstance(endpoint, { dataVolumes: [{ displayName: "data", sizeInMBs: 1024 }] });
    const created = await compute.createImage({
      createImageDetails: {
        compartmentId: h.COMPARTMENT_ID,
        instanceId: instance.id,
        launchMode: "VDPA",
        shouldIncludeDataVolumes: true,
      },
    });
    assert.equal(created.image.launchMode, "VDPA");
    assert.equal(created.image.imageVolumeDetails.dataVolumes.length, 1);
  });
});

test("CreateImage from an unknown instance surfaces RelatedResourceNotAuthorizedOrNotFound", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    await assert.rejects(
      compute.createImage({
        createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: "ocid1.instance.oc1.phx.aaaaaaaanosuch" },
      }),
      (err) => err.statusCode === 400 && err.serviceCode === "RelatedResourceNotAuthorizedOrNotFound"
    );
  });
});

test("an import from an Object Storage tuple, followed by forCreateImage on its work request", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, waiters } = h.makeClients(endpoint);
    const result = await waiters.forCreateImage({
      createImageDetails: {
        compartmentId: h.COMPARTMENT_ID,
        displayName: "ubuntu-import",
        imageSourceDetails: tupleSource(),
      },
    });
    const created = result.response;
    assert.equal(created.image.lifecycleState, Image.LifecycleState.Importing);
    assert.equal(created.image.launchMode, Image.LaunchMode.Emulated);

    const wr = result.workRequestResponse.workRequest;
    assert.equal(wr.id, created.opcWorkRequestId);
    assert.equal(wr.status, "SUCCEEDED");
    assert.equal(wr.operationType, "Import Image");
    assert.equal(wr.percentComplete, 100);
    assert.ok(wr.timeFinished, "the waiter returns only once timeFinished is set");
    assert.deepEqual(wr.resources, [
      {
        entityType: "image",
        actionType: "CREATED",
        identifier: created.image.id,
        entityUri: `/20160918/images/${created.image.id}`,
      },
    ]);

    const got = await compute.getImage({ imageId: created.image.id });
    assert.equal(got.image.lifecycleState, "AVAILABLE");
    assert.equal(got.image.operatingSystem, "Ubuntu");
    assert.equal(got.image.operatingSystemVersion, "22.04");
    assert.equal(got.image.sizeInMBs, 47694);
  });
});

test("an import from an Object Storage URI, followed by forImage to AVAILABLE", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, waiters } = h.makeClients(endpoint);
    const created = await compute.createImage({
      createImageDetails: {
        compartmentId: h.COMPARTMENT_ID,
        displayName: "from-par",
        imageSourceDetails: {
          sourceType: "objectStorageUri",
          sourceUri: "https://objectstorage.us-phoenix-1.oraclecloud.com/n/ns/b/images/o/disk.vmdk",
          sourceImageType: "VMDK",
        },
      },
    });
    assert.equal(created.image.lifecycleState, "IMPORTING");
    assert.equal(created.image.operatingSystem, "Custom");
    const done = await waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Available);
    assert.equal(done.image.lifecycleState, "AVAILABLE");
  });
});

test("DeleteImage, then ComputeWaiter.forImage to DELETED; a deleted image still answers GetImage", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, waiters } = clients;
    const image = await availableImage(endpoint, clients, { displayName: "short-lived" });

    const deleted = await compute.deleteImage({ imageId: image.image.id, ifMatch: image.etag });
    assert.ok(deleted.opcRequestId);
    const gone = await waiters.forImage({ imageId: image.image.id }, Image.LifecycleState.Deleted);
    assert.equal(gone.image.lifecycleState, Image.LifecycleState.Deleted);

    const listed = await compute.listImages({ compartmentId: h.COMPARTMENT_ID });
    assert.deepEqual(h.customImages(listed.items), [], "ListImages leaves DELETED images out");
    const deletedOnly = await compute.listImages({
      compartmentId: h.COMPARTMENT_ID,
      lifecycleState: Image.LifecycleState.Deleted,
    });
    assert.deepEqual(deletedOnly.items.map((i) => i.id), [image.image.id]);
    await assert.rejects(
      compute.updateImage({ imageId: image.image.id, updateImageDetails: { displayName: "again" } }),
      (err) => err.statusCode === 404 && err.serviceCode === "NotAuthorizedOrNotFound"
    );
  });
});

test("ExportImage through forExportImage waits on the export's work request", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, workRequests, waiters } = clients;
    const image = await availableImage(endpoint, clients, { displayName: "to-export" });

    const result = await waiters.forExportImage({
      imageId: image.image.id,
      ifMatch: image.etag,
      exportImageDetails: {
        destinationType: "objectStorageTuple",
        namespaceName: "ns",
        bucketName: "exports",
        objectName: "to-export.qcow2",
        exportFormat: "QCOW2",
      },
    });
    assert.equal(result.response.image.lifecycleState, Image.LifecycleState.Exporting);
    assert.match(result.response.etag, /^[0-9a-f]{64}$/);
    const wr = result.workRequestResponse.workRequest;
    assert.equal(wr.id, result.response.opcWorkRequestId);
    assert.equal(wr.status, "SUCCEEDED");
    assert.equal(wr.operationType, "Export Image");
    assert.ok(wr.timeFinished);
    assert.equal(wr.resources[0].actionType, "RELATED");
    assert.equal(wr.resources[0].identifier, image.image.id);

    const after = await compute.getImage({ imageId: image.image.id });
    assert.equal(after.image.lifecycleState, "AVAILABLE", "an export ends back in AVAILABLE");

    const logs = [];
    for await (const entry of workRequests.listWorkRequestLogsRecordIterator({ workRequestId: wr.id })) logs.push(entry);
    assert.ok(
      logs.some((l) => l.message === "exporting to ns/exports/to-export.qcow2 as QCOW2"),
      JSON.stringify(logs)
    );
    const errors = await workRequests.listWorkRequestErrors({ workRequestId: wr.id });
    assert.deepEqual(errors.items, []);
  });
});

test("ExportImage of an image that is not AVAILABLE surfaces 409 IncorrectState once its retries run out", T, async () => {
  // ExportImage is retried on IncorrectState: the short delays keep the 8 attempts quick.
  await h.withServer({ args: ["--clock", "manual", "--seed", "3"] }, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    await h.applyScenario(endpoint, { name: "slow-provision", lifecycle: { provision: { never: true } } });
    const instance = await h.addInstance(endpoint);
    const created = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id },
    });
    await assert.rejects(
      compute.exportImage({
        imageId: created.image.id,
        exportImageDetails: { destinationType: "objectStorageTuple", namespaceName: "ns", bucketName: "b", objectName: "o" },
      }),
      (err) => err.statusCode === 409 && err.serviceCode === "IncorrectState" && /PROVISIONING/.test(err.message)
    );
    assert.equal((await h.journal(endpoint, "ExportImage")).length, 8, "the SDK retries IncorrectState 8 times in all");
  });
});

test("listAllImages and the record and response iterators walk several pages", T, async () => {
  await h.withServer({ platformImages: false }, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    const instance = await h.addInstance(endpoint);
    const ids = [];
    for (let i = 0; i < 7; i++) {
      const r = await compute.createImage({
        createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, displayName: `img-${i}` },
      });
      ids.push(r.image.id);
    }
    // An image elsewhere must not show up.
    await compute.createImage({
      createImageDetails: { compartmentId: OTHER_COMPARTMENT, instanceId: instance.id, displayName: "elsewhere" },
    });
    await h.admin(endpoint, "DELETE", "/journal");

    const request = { compartmentId: h.COMPARTMENT_ID, limit: 3, sortBy: "DISPLAYNAME", sortOrder: "ASC" };
    const all = [];
    for await (const image of compute.listAllImages(request)) all.push(image.displayName);
    assert.deepEqual(all, ["img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6"]);
    const lists = await h.journal(endpoint, "ListImages");
    assert.equal(lists.length, 3, "7 images at 3 a page are 3 ListImages calls");
    assert.ok(lists.every((e) => e.status === 200));

    const records = [];
    for await (const image of compute.listImagesRecordIterator({ compartmentId: h.COMPARTMENT_ID, limit: 2 }))
      records.push(image.id);
    assert.deepEqual(records, [...ids].reverse(), "the default order is newest first");

    const pages = [];
    for await (const page of compute.listImagesResponseIterator({ compartmentId: h.COMPARTMENT_ID, limit: 3 }))
      pages.push({ size: page.items.length, next: page.opcNextPage });
    assert.deepEqual(pages.map((p) => p.size), [3, 3, 1]);
    assert.ok(pages[0].next && pages[1].next, "opc-next-page while more remain");
    assert.equal(pages[2].next, undefined, "and none on the last page");
  });
});

test("UpdateImage with a stale etag surfaces 412 NoEtagMatch; with the current one it passes", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute } = clients;
    const image = await availableImage(endpoint, clients, { displayName: "before" });
    const staleEtag = image.etag;

    const first = await compute.updateImage({
      imageId: image.image.id,
      ifMatch: staleEtag,
      updateImageDetails: { displayName: "after", freeformTags: { owner: "ci" } },
    });
    assert.equal(first.image.displayName, "after");
    assert.deepEqual(first.image.freeformTags, { owner: "ci" });
    assert.notEqual(first.etag, staleEtag);

    await assert.rejects(
      compute.updateImage({
        imageId: image.image.id,
        ifMatch: staleEtag,
        updateImageDetails: { displayName: "lost-update" },
      }),
      (err) => {
        assert.equal(err.statusCode, 412);
        assert.equal(err.serviceCode, "NoEtagMatch");
        assert.ok(err.opcRequestId);
        return true;
      }
    );
    assert.equal((await compute.getImage({ imageId: image.image.id })).image.displayName, "after");

    const second = await compute.updateImage({
      imageId: image.image.id,
      ifMatch: first.etag,
      updateImageDetails: { displayName: "final" },
    });
    assert.equal(second.image.displayName, "final");
  });
});

test("ChangeImageCompartment moves the image; the etag guards it", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute } = clients;
    const image = await availableImage(endpoint, clients, { displayName: "mover" });

    await assert.rejects(
      compute.changeImageCompartment({
        imageId: image.image.id,
        ifMatch: "0".repeat(64),
        changeImageCompartmentDetails: { compartmentId: OTHER_COMPARTMENT },
      }),
      (err) => err.statusCode === 412 && err.serviceCode === "NoEtagMatch"
    );
    const moved = await compute.changeImageCompartment({
      imageId: image.image.id,
      ifMatch: image.etag,
      changeImageCompartmentDetails: { compartmentId: OTHER_COMPARTMENT },
    });
    assert.ok(moved.opcRequestId);
    assert.match(moved.etag, /^[0-9a-f]{64}$/);

    assert.equal((await compute.getImage({ imageId: image.image.id })).image.compartmentId, OTHER_COMPARTMENT);
    assert.deepEqual(h.customImages((await compute.listImages({ compartmentId: h.COMPARTMENT_ID })).items), []);
    const there = await compute.listImages({ compartmentId: OTHER_COMPARTMENT });
    assert.deepEqual(h.customImages(there.items).map((i) => i.id), [image.image.id]);
  });
});

test("shape compatibility: add, get, list across pages, remove", T, async () => {
  // Without platform images the new image starts with its instance's shape only (VM.Standard.E4.Flex).
  await h.withServer({ platformImages: false }, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute } = clients;
    const image = await availableImage(endpoint, clients);
    const imageId = image.image.id;

    const added = await compute.addImageShapeCompatibilityEntry({
      imageId,
      shapeName: "VM.Standard.E4.Flex",
      addImageShapeCompatibilityEntryDetails: {
        memoryConstraints: { minInGBs: 2, maxInGBs: 64 },
        ocpuConstraints: { min: 1, max: 16 },
      },
    });
    assert.equal(added.imageShapeCompatibilityEntry.imageId, imageId);
    assert.equal(added.imageShapeCompatibilityEntry.shape, "VM.Standard.E4.Flex");
    assert.deepEqual(added.imageShapeCompatibilityEntry.ocpuConstraints, { min: 1, max: 16 });
    // The SDK needs a details object (it crashes serializing none) and sends no body for an empty one.
    await compute.addImageShapeCompatibilityEntry({
      imageId,
      shapeName: "VM.Standard2.1",
      addImageShapeCompatibilityEntryDetails: {},
    });
    await compute.addImageShapeCompatibilityEntry({
      imageId,
      shapeName: "BM.Standard3.64",
      addImageShapeCompatibilityEntryDetails: {},
    });

    const got = await compute.getImageShapeCompatibilityEntry({ imageId, shapeName: "VM.Standard.E4.Flex" });
    assert.deepEqual(got.imageShapeCompatibilityEntry.memoryConstraints, { minInGBs: 2, maxInGBs: 64 });

    const shapes = [];
    for await (const entry of compute.listAllImageShapeCompatibilityEntries({ imageId, limit: 1 }))
      shapes.push(entry.shape);
    assert.deepEqual(shapes, ["BM.Standard3.64", "VM.Standard.E4.Flex", "VM.Standard2.1"]);
    assert.equal((await h.journal(endpoint, "ListImageShapeCompatibilityEntries")).length, 3);

    await compute.removeImageShapeCompatibilityEntry({ imageId, shapeName: "VM.Standard2.1" });
    const listed = await compute.listImageShapeCompatibilityEntries({ imageId });
    assert.deepEqual(listed.items.map((e) => e.shape), ["BM.Standard3.64", "VM.Standard.E4.Flex"]);
    await assert.rejects(
      compute.getImageShapeCompatibilityEntry({ imageId, shapeName: "VM.Standard2.1" }),
      (err) => err.statusCode === 404 && err.serviceCode === "NotAuthorizedOrNotFound"
    );
  });
});

test("a failed import: forCreateImage resolves FAILED; work-request errors, logs and list say why", T, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ocifake-sdk-"));
  const scenarioFile = path.join(dir, "failing-import.json");
  fs.writeFileSync(
    scenarioFile,
    JSON.stringify({
      name: "failing-import",
      description: "Every import fails with a readable reason.",
      lifecycle: { import: { fail: "not a valid QCOW2 image: bad magic" } },
    })
  );
  try {
    await h.withServer({ args: ["--scenario", scenarioFile, "--seed", "5"] }, async ({ endpoint }) => {
      const { compute, workRequests, waiters } = h.makeClients(endpoint);
      const result = await waiters.forCreateImage({
        createImageDetails: {
          compartmentId: h.COMPARTMENT_ID,
          displayName: "broken",
          imageSourceDetails: tupleSource("broken.qcow2"),
        },
      });
      const imageId = result.response.image.id;
      const wr = result.workRequestResponse.workRequest;
      assert.equal(wr.status, "FAILED", "the waiter resolves on any finished work request");
      assert.ok(wr.timeFinished);

      const gone = await waiters.forImage({ imageId }, Image.LifecycleState.Deleted);
      assert.equal(gone.image.lifecycleState, "DELETED", "a failed import leaves the image DELETED");

      const errors = await workRequests.listWorkRequestErrors({ workRequestId: wr.id });
      assert.equal(errors.items.length, 1);
      assert.equal(errors.items[0].code, "ImageImportFailed");
      assert.equal(errors.items[0].message, "not a valid QCOW2 image: bad magic");
      assert.ok(errors.items[0].timestamp);
      const allErrors = [];
      for await (const e of workRequests.listWorkRequestErrorsRecordIterator({ workRequestId: wr.id }))
        allErrors.push(e.code);
      assert.deepEqual(allErrors, ["ImageImportFailed"]);

      const logs = await workRequests.listWorkRequestLogs({ workRequestId: wr.id });
      assert.ok(logs.items.length >= 2, JSON.stringify(logs.items));
      assert.ok(logs.items.some((l) => l.message.includes("not a valid QCOW2 image: bad magic")), JSON.stringify(logs.items));
      assert.ok(logs.items.every((l) => typeof l.timestamp === "string"));

      const listed = await workRequests.listWorkRequests({ compartmentId: h.COMPARTMENT_ID, resourceId: imageId });
      assert.equal(listed.items.length, 1);
      assert.equal(listed.items[0].id, wr.id);
      assert.equal(listed.items[0].status, "FAILED");
      assert.equal(listed.items[0].operationType, "Import Image");
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("ListWorkRequests pages through a compartment's work requests, newest first", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute, workRequests } = h.makeClients(endpoint);
    // Failing imports, set through the admin API this time.
    await h.applyScenario(endpoint, { name: "imports-fail", lifecycle: { import: { fail: "object is empty" } } });
    const instance = await h.addInstance(endpoint);
    const expected = [];
    for (let i = 0; i < 3; i++) {
      const r = await compute.createImage({
        createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, displayName: `c-${i}` },
      });
      expected.push(r.opcWorkRequestId);
    }
    const failing = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, imageSourceDetails: tupleSource("empty.qcow2") },
    });
    expected.push(failing.opcWorkRequestId);

    const seen = [];
    for await (const wr of workRequests.listWorkRequestsRecordIterator({ compartmentId: h.COMPARTMENT_ID, limit: 2 }))
      seen.push(wr);
    assert.deepEqual(seen.map((w) => w.id), [...expected].reverse());
    assert.equal((await h.journal(endpoint, "ListWorkRequests")).length, 2);
    assert.deepEqual(
      seen.map((w) => w.operationType),
      ["Import Image", "Create Image", "Create Image", "Create Image"]
    );

    const failed = await workRequests.getWorkRequest({ workRequestId: failing.opcWorkRequestId });
    assert.equal(failed.workRequest.status, "FAILED");
    const errors = await workRequests.listWorkRequestErrors({ workRequestId: failing.opcWorkRequestId });
    assert.deepEqual(errors.items.map((e) => [e.code, e.message]), [["ImageImportFailed", "object is empty"]]);
  });
});

test("the Terraform-style lookup finds the newest Oracle Linux 9 x86 platform image for a shape", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    // data "oci_core_images": operating system, version and shape, newest first, take the first.
    const lookup = (shape) =>
      compute.listImages({
        compartmentId: h.COMPARTMENT_ID,
        operatingSystem: "Oracle Linux",
        operatingSystemVersion: "9",
        shape,
        sortBy: "TIMECREATED",
        sortOrder: "DESC",
      });
    const x86 = await lookup("VM.Standard.E4.Flex");
    assert.deepEqual(
      x86.items.map((i) => i.displayName),
      ["Oracle-Linux-9.4-2024.08.29-0", "Oracle-Linux-9.4-2024.07.31-0", "Oracle-Linux-9.4-2024.06.30-0"]
    );
    const newest = x86.items[0];
    assert.equal(newest.compartmentId, null, "a platform image belongs to no compartment");
    assert.equal(newest.launchMode, Image.LaunchMode.Native);
    assert.equal(newest.lifecycleState, Image.LifecycleState.Available);
    assert.equal(newest.launchOptions.firmware, "UEFI_64");
    const arm = await lookup("VM.Standard.A1.Flex");
    assert.equal(arm.items[0].displayName, "Oracle-Linux-9.4-aarch64-2024.08.29-0");

    // The platform image is read-only, and its shapes answer with their constraints.
    const entry = await compute.getImageShapeCompatibilityEntry({ imageId: newest.id, shapeName: "VM.Standard.E4.Flex" });
    assert.deepEqual(entry.imageShapeCompatibilityEntry.ocpuConstraints, { min: 1, max: 64 });
    await assert.rejects(
      compute.updateImage({ imageId: newest.id, updateImageDetails: { displayName: "mine" } }),
      (err) => err.statusCode === 404 && err.serviceCode === "NotAuthorizedOrNotFound"
    );

    // An image created from an Oracle Linux 9 instance counts it as its base, and its shapes follow.
    const instance = await h.addInstance(endpoint, { operatingSystemVersion: "9" });
    const created = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id, displayName: "golden" },
    });
    assert.equal(created.image.baseImageId, newest.id);
    const mine = await lookup("VM.Standard.E4.Flex");
    assert.equal(mine.items[0].id, created.image.id, "one order for all: the newer custom image comes first");
  });
});
