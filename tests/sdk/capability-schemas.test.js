"use strict";
// The image capability schemas with the official OCI TypeScript SDK, unchanged, against
// ocifake-server: ComputeImageCapabilitySchema CRUD, forComputeImageCapabilitySchema, and the
// global schema's reads.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const h = require("./helpers");

const { ComputeImageCapabilitySchema, Image } = h.core.models;
const OTHER_COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaocifakeother";
const T = { timeout: 30000, skip: h.skipWithoutServer() };

const uefiOnly = {
  "Compute.Firmware": { descriptorType: "enumstring", source: "IMAGE", values: ["UEFI_64"], defaultValue: "UEFI_64" },
  "Compute.SecureBoot": { descriptorType: "boolean", source: "IMAGE", defaultValue: true },
};

async function availableImage(endpoint, clients) {
  const instance = await h.addInstance(endpoint, { displayName: "build-vm" });
  const created = await clients.compute.createImage({
    createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: instance.id },
  });
  const done = await clients.waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Available);
  return done.image;
}

async function globalVersion(compute) {
  const globals = await compute.listComputeGlobalImageCapabilitySchemas({});
  assert.equal(globals.items.length, 1);
  const global = globals.items[0];
  return { global, versionName: global.currentVersionName };
}

test("capability schema: create, wait for ACTIVE, get merged, list, update, move, delete", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, waiters } = clients;
    const image = await availableImage(endpoint, clients);
    const { global, versionName } = await globalVersion(compute);

    const created = await compute.createComputeImageCapabilitySchema({
      createComputeImageCapabilitySchemaDetails: {
        compartmentId: h.COMPARTMENT_ID,
        imageId: image.id,
        computeGlobalImageCapabilitySchemaVersionName: versionName,
        displayName: "uefi-secure-boot",
        schemaData: uefiOnly,
      },
      opcRetryToken: "caps-1",
    });
    const schema = created.computeImageCapabilitySchema;
    assert.equal(schema.lifecycleState, ComputeImageCapabilitySchema.LifecycleState.Creating);
    assert.equal(schema.computeGlobalImageCapabilitySchemaId, global.id);
    assert.match(created.etag, /^[0-9a-f]{64}$/);
    assert.deepEqual(schema.schemaData["Compute.Firmware"].values, ["UEFI_64"]);

    const active = await waiters.forComputeImageCapabilitySchema(
      { computeImageCapabilitySchemaId: schema.id },
      ComputeImageCapabilitySchema.LifecycleState.Active,
    );
    assert.equal(active.computeImageCapabilitySchema.lifecycleState, "ACTIVE");

    const merged = await compute.getComputeImageCapabilitySchema({
      computeImageCapabilitySchemaId: schema.id,
      isMergeEnabled: true,
    });
    const data = merged.computeImageCapabilitySchema.schemaData;
    assert.equal(data["Compute.Firmware"].source, "IMAGE");
    assert.equal(data["Compute.SecureBoot"].defaultValue, true);
    assert.equal(data["Compute.LaunchMode"].source, "GLOBAL");
    assert.equal(data["Storage.ParaVirtualization.AttachmentVersion"].descriptorType, "enuminteger");

    const listed = await compute.listComputeImageCapabilitySchemas({ compartmentId: h.COMPARTMENT_ID, imageId: image.id });
    assert.deepEqual(
      listed.items.map((s) => s.id),
      [schema.id],
    );

    await assert.rejects(
      compute.updateComputeImageCapabilitySchema({
        computeImageCapabilitySchemaId: schema.id,
        updateComputeImageCapabilitySchemaDetails: { displayName: "stale" },
        ifMatch: "0".repeat(64),
      }),
      (e) => e.statusCode === 412,
    );
    const updated = await compute.updateComputeImageCapabilitySchema({
      computeImageCapabilitySchemaId: schema.id,
      updateComputeImageCapabilitySchemaDetails: { displayName: "renamed" },
      ifMatch: merged.etag,
    });
    assert.equal(updated.computeImageCapabilitySchema.displayName, "renamed");
    assert.notEqual(updated.etag, merged.etag);

    await compute.changeComputeImageCapabilitySchemaCompartment({
      computeImageCapabilitySchemaId: schema.id,
      changeComputeImageCapabilitySchemaCompartmentDetails: { compartmentId: OTHER_COMPARTMENT },
      ifMatch: updated.etag,
    });
    const moved = await compute.getComputeImageCapabilitySchema({ computeImageCapabilitySchemaId: schema.id });
    assert.equal(moved.computeImageCapabilitySchema.compartmentId, OTHER_COMPARTMENT);

    await compute.deleteComputeImageCapabilitySchema({
      computeImageCapabilitySchemaId: schema.id,
      ifMatch: moved.etag,
    });
    const deleted = await waiters.forComputeImageCapabilitySchema(
      { computeImageCapabilitySchemaId: schema.id },
      ComputeImageCapabilitySchema.LifecycleState.Deleted,
    );
    assert.equal(deleted.computeImageCapabilitySchema.lifecycleState, "DELETED");
    const after = await compute.listComputeImageCapabilitySchemas({ compartmentId: OTHER_COMPARTMENT });
    assert.equal(after.items.length, 0);
  });
});

test("capability schema: schemaData the version does not describe is a 400 naming the key", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const image = await availableImage(endpoint, clients);
    const { versionName } = await globalVersion(clients.compute);
    await assert.rejects(
      clients.compute.createComputeImageCapabilitySchema({
        createComputeImageCapabilitySchemaDetails: {
          compartmentId: h.COMPARTMENT_ID,
          imageId: image.id,
          computeGlobalImageCapabilitySchemaVersionName: versionName,
          schemaData: { "Compute.Firmwares": { descriptorType: "enumstring", source: "IMAGE", values: ["BIOS"] } },
        },
      }),
      (e) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.serviceCode, "InvalidParameter");
        assert.match(e.message, /Compute\.Firmwares/);
        assert.match(e.message, /did you mean "Compute\.Firmware"/);
        return true;
      },
    );
  });
});

test("global capability schema: get, versions, get a version with its descriptors", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    const { global, versionName } = await globalVersion(compute);
    const got = await compute.getComputeGlobalImageCapabilitySchema({ computeGlobalImageCapabilitySchemaId: global.id });
    assert.equal(got.computeGlobalImageCapabilitySchema.currentVersionName, versionName);
    assert.ok(got.etag);

    const versions = await compute.listComputeGlobalImageCapabilitySchemaVersions({
      computeGlobalImageCapabilitySchemaId: global.id,
      sortBy: "TIMECREATED",
      sortOrder: "ASC",
      limit: 1,
    });
    assert.equal(versions.items.length, 1);
    assert.ok(versions.opcNextPage);
    const next = await compute.listComputeGlobalImageCapabilitySchemaVersions({
      computeGlobalImageCapabilitySchemaId: global.id,
      sortBy: "TIMECREATED",
      sortOrder: "ASC",
      page: versions.opcNextPage,
    });
    assert.deepEqual(
      next.items.map((v) => v.name),
      [versionName],
    );

    const version = await compute.getComputeGlobalImageCapabilitySchemaVersion({
      computeGlobalImageCapabilitySchemaId: global.id,
      computeGlobalImageCapabilitySchemaVersionName: versionName,
    });
    const data = version.computeGlobalImageCapabilitySchemaVersion.schemaData;
    assert.deepEqual(data["Compute.Firmware"].values, ["BIOS", "UEFI_64"]);
    assert.equal(data["Compute.SecureBoot"].descriptorType, "boolean");
    assert.deepEqual(data["Storage.ParaVirtualization.AttachmentVersion"].values, [1, 2]);
    for (const key of ["Compute.LaunchMode", "Network.AttachmentType", "Storage.BootVolumeType", "Storage.RemoteDataVolumeType"])
      assert.equal(data[key].descriptorType, "enumstring", key);
  });
});
