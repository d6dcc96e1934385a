"use strict";
// The instance operations with the official OCI TypeScript SDK, unchanged, against ocifake-server:
// GetInstance, ListInstances with its iterators, InstanceAction and TerminateInstance followed by
// ComputeWaiter.forInstance, and the "stop, image, start" flow a program capturing an image writes.
//
// GetInstance, ListInstances, InstanceAction and TerminateInstance carry no retries in the SDK
// (NoRetryConfigurationDetails), so every refusal below is the first and only answer.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const h = require("./helpers");

const { Image, Instance } = h.core.models;
const OTHER_COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaocifakeother";
const T = { timeout: 30000, skip: h.skipWithoutServer() };

// A rejection the SDK raised for an OCI error answer: status, code and a message matching `message`.
function ociError(statusCode, serviceCode, message) {
  return (err) => {
    assert.equal(err.statusCode, statusCode, err.message);
    assert.equal(err.serviceCode, serviceCode, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

// An instance action followed by forInstance to `state`: resolves to the GetInstance response.
async function act(clients, instanceId, action, state) {
  await clients.compute.instanceAction({ instanceId, action });
  return clients.waiters.forInstance({ instanceId }, state);
}

test("GetInstance answers a seeded instance with every field the SDK's Instance model maps", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const { compute } = h.makeClients(endpoint);
    const before = Date.now();
    const seeded = await h.addInstance(endpoint, {
      displayName: "web-1",
      operatingSystem: "Oracle Linux",
      operatingSystemVersion: "9",
      bootVolumeSizeInMBs: 51200,
    });
    assert.match(seeded.id, /^ocid1\.instance\.oc1\.phx\./);
    assert.match(seeded.imageId, /^ocid1\.image\.oc1\.phx\./, "launched from the newest Oracle Linux 9 image");

    const got = await compute.getInstance({ instanceId: seeded.id });
    const inst = got.instance;
    assert.equal(inst.id, seeded.id);
    assert.equal(inst.compartmentId, h.COMPARTMENT_ID);
    assert.equal(inst.displayName, "web-1");
    assert.equal(inst.lifecycleState, Instance.LifecycleState.Running);
    assert.equal(inst.shape, "VM.Standard.E4.Flex");
    assert.equal(inst.availabilityDomain, "Uocm:PHX-AD-1");
    assert.equal(inst.faultDomain, "FAULT-DOMAIN-1");
    assert.equal(inst.region, "phx");
    assert.equal(inst.imageId, seeded.imageId);
    assert.equal(inst.launchMode, Instance.LaunchMode.Paravirtualized);
    assert.equal(inst.launchOptions.bootVolumeType, "PARAVIRTUALIZED");
    assert.equal(inst.launchOptions.firmware, "UEFI_64");
    assert.equal(inst.launchOptions.networkType, "PARAVIRTUALIZED");
    assert.equal(inst.launchOptions.isConsistentVolumeNamingEnabled, true);
    assert.equal(inst.instanceOptions.areLegacyImdsEndpointsDisabled, false);
    assert.equal(inst.availabilityConfig.recoveryAction, "RESTORE_INSTANCE");
    assert.deepEqual(
      { ocpus: inst.shapeConfig.ocpus, memoryInGBs: inst.shapeConfig.memoryInGBs, vcpus: inst.shapeConfig.vcpus },
      { ocpus: 1, memoryInGBs: 16, vcpus: 2 }
    );
    assert.equal(inst.sourceDetails.sourceType, "image");
    assert.equal(inst.sourceDetails.imageId, seeded.imageId);
    assert.equal(inst.sourceDetails.bootVolumeSizeInGBs, 50, "51200 MB");
    assert.deepEqual(inst.metadata, {});
    assert.deepEqual(inst.extendedMetadata, {});
    assert.deepEqual(inst.freeformTags, {});
    assert.deepEqual(inst.definedTags, {});
    assert.deepEqual(inst.systemTags, {});
    // The model declares timeCreated a Date, but the SDK hands the JSON string over as it came (its
    // deserializer converts nested models, never dates): an RFC 3339 time in UTC that Date reads.
    assert.equal(typeof inst.timeCreated, "string");
    assert.match(inst.timeCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const created = new Date(inst.timeCreated).getTime();
    assert.ok(created >= before - 1000 && created <= Date.now() + 1000, inst.timeCreated);

    assert.match(got.etag, /^[0-9a-f]{64}$/);
    assert.ok(got.opcRequestId);
    const again = await compute.getInstance({ instanceId: seeded.id });
    assert.equal(again.etag, got.etag, "a read changes nothing: the same etag");

    // An Ampere shape gets Ampere's defaults.
    const arm = await h.addInstance(endpoint, { displayName: "arm-1", shape: "VM.Standard.A1.Flex" });
    const armGot = await compute.getInstance({ instanceId: arm.id });
    assert.equal(armGot.instance.shape, "VM.Standard.A1.Flex");
    assert.equal(armGot.instance.shapeConfig.memoryInGBs, 6);
    assert.equal(armGot.instance.shapeConfig.vcpus, 1);

    await assert.rejects(
      compute.getInstance({ instanceId: "ocid1.instance.oc1.phx.aaaaaaaanosuchinstance" }),
      ociError(404, "NotAuthorizedOrNotFound", /ocid1\.instance\.oc1\.phx\.aaaaaaaanosuchinstance/)
    );
  });
});

test("ListInstances: compartment, lifecycleState filter, sort orders, and the SDK's iterators across pages", T, async () => {
  // A manual clock moved a second between seeds gives each instance its own timeCreated.
  await h.withServer({ args: ["--clock", "manual", "--seed", "2"] }, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute } = clients;
    const names = ["delta", "alpha", "echo", "charlie", "bravo"];
    const ids = {};
    for (const name of names) {
      ids[name] = (await h.addInstance(endpoint, { displayName: name })).id;
      await h.admin(endpoint, "POST", "/clock/advance", { seconds: 1 });
    }
    await h.addInstance(endpoint, { compartmentId: OTHER_COMPARTMENT, displayName: "elsewhere" });
    await act(clients, ids.alpha, "STOP", Instance.LifecycleState.Stopped);
    await act(clients, ids.charlie, "STOP", Instance.LifecycleState.Stopped);

    const byTime = await compute.listInstances({ compartmentId: h.COMPARTMENT_ID });
    assert.deepEqual(
      byTime.items.map((i) => i.displayName),
      [...names].reverse(),
      "TIMECREATED DESC by default, the other compartment left out"
    );
    assert.equal(byTime.opcNextPage, undefined);
    assert.ok(byTime.opcRequestId);
    assert.equal(byTime.items[0].compartmentId, h.COMPARTMENT_ID);
    assert.equal(byTime.items[0].lifecycleState, Instance.LifecycleState.Running);

    const oldestFirst = await compute.listInstances({
      compartmentId: h.COMPARTMENT_ID,
      sortBy: "TIMECREATED",
      sortOrder: "ASC",
    });
    assert.deepEqual(oldestFirst.items.map((i) => i.displayName), names);

    const byName = await compute.listInstances({ compartmentId: h.COMPARTMENT_ID, sortBy: "DISPLAYNAME" });
    assert.deepEqual(byName.items.map((i) => i.displayName), ["alpha", "bravo", "charlie", "delta", "echo"]);
    const byNameDesc = await compute.listInstances({
      compartmentId: h.COMPARTMENT_ID,
      sortBy: "DISPLAYNAME",
      sortOrder: "DESC",
    });
    assert.deepEqual(byNameDesc.items.map((i) => i.displayName), ["echo", "delta", "charlie", "bravo", "alpha"]);

    const stopped = await compute.listInstances({
      compartmentId: h.COMPARTMENT_ID,
      lifecycleState: Instance.LifecycleState.Stopped,
      sortBy: "DISPLAYNAME",
    });
    assert.deepEqual(stopped.items.map((i) => [i.displayName, i.lifecycleState]), [
      ["alpha", "STOPPED"],
      ["charlie", "STOPPED"],
    ]);
    const named = await compute.listInstances({ compartmentId: h.COMPARTMENT_ID, displayName: "echo" });
    assert.deepEqual(named.items.map((i) => i.id), [ids.echo]);
    const elsewhere = await compute.listInstances({ compartmentId: OTHER_COMPARTMENT });
    assert.deepEqual(elsewhere.items.map((i) => i.displayName), ["elsewhere"]);

    // The record iterator follows opc-next-page: 5 instances at 2 a page are 3 ListInstances calls.
    await h.admin(endpoint, "DELETE", "/journal");
    const walked = [];
    for await (const inst of compute.listInstancesRecordIterator({
      compartmentId: h.COMPARTMENT_ID,
      sortBy: "DISPLAYNAME",
      sortOrder: "ASC",
      limit: 2,
    }))
      walked.push(inst.displayName);
    assert.deepEqual(walked, ["alpha", "bravo", "charlie", "delta", "echo"]);
    const lists = await h.journal(endpoint, "ListInstances");
    assert.equal(lists.length, 3);
    assert.ok(lists.every((e) => e.status === 200));

    const pages = [];
    for await (const page of compute.listInstancesResponseIterator({ compartmentId: h.COMPARTMENT_ID, limit: 2 }))
      pages.push({ ids: page.items.map((i) => i.id), next: page.opcNextPage });
    assert.deepEqual(pages.map((p) => p.ids.length), [2, 2, 1]);
    assert.ok(pages[0].next && pages[1].next, "opc-next-page while more remain");
    assert.equal(pages[2].next, undefined, "and none on the last page");
    assert.deepEqual(
      pages.flatMap((p) => p.ids),
      [...names].reverse().map((n) => ids[n])
    );

    // Mistakes in the query name the parameter and the value refused.
    await assert.rejects(
      compute.listInstances({ compartmentId: h.COMPARTMENT_ID, lifecycleState: "SLEEPING" }),
      ociError(400, "InvalidParameter", /lifecycleState.*SLEEPING/)
    );
    await assert.rejects(
      compute.listInstances({ compartmentId: h.COMPARTMENT_ID, sortBy: "NAME" }),
      ociError(400, "InvalidParameter", /sortBy.*NAME.*TIMECREATED, DISPLAYNAME/)
    );
    await assert.rejects(
      compute.listInstances({ compartmentId: h.COMPARTMENT_ID, page: pages[0].next, sortBy: "DISPLAYNAME" }),
      ociError(400, "InvalidParameter", /page/)
    );
  });
});

test("InstanceAction STOP, START and SOFTRESET followed by forInstance; refusals and if-match", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, waiters } = clients;
    const { id: instanceId } = await h.addInstance(endpoint, { displayName: "worker" });
    const first = await compute.getInstance({ instanceId });

    const stopping = await compute.instanceAction({ instanceId, action: "STOP", ifMatch: first.etag });
    assert.equal(stopping.instance.lifecycleState, Instance.LifecycleState.Stopping);
    assert.equal(stopping.instance.id, instanceId);
    assert.match(stopping.etag, /^[0-9a-f]{64}$/);
    assert.notEqual(stopping.etag, first.etag, "an action gives a new etag");
    assert.ok(stopping.opcRequestId);
    const stopped = await waiters.forInstance({ instanceId }, Instance.LifecycleState.Stopped);
    assert.equal(stopped.instance.lifecycleState, Instance.LifecycleState.Stopped);

    // The etag read before the stop is stale now.
    await assert.rejects(
      compute.instanceAction({ instanceId, action: "START", ifMatch: first.etag }),
      ociError(412, "NoEtagMatch", /if-match/)
    );
    // A STOPPED instance cannot be reset: 409 IncorrectState naming its state, and it stays STOPPED.
    await assert.rejects(
      compute.instanceAction({ instanceId, action: "RESET" }),
      ociError(409, "IncorrectState", /STOPPED/)
    );
    await assert.rejects(
      compute.instanceAction({ instanceId, action: "REBOOT" }),
      ociError(400, "InvalidParameter", /action.*REBOOT.*STOP, START, SOFTSTOP, RESET, SOFTRESET/)
    );
    assert.equal((await compute.getInstance({ instanceId })).instance.lifecycleState, "STOPPED");

    const starting = await compute.instanceAction({ instanceId, action: "START", ifMatch: stopped.etag });
    assert.equal(starting.instance.lifecycleState, Instance.LifecycleState.Starting);
    const running = await waiters.forInstance({ instanceId }, Instance.LifecycleState.Running);
    assert.equal(running.instance.lifecycleState, Instance.LifecycleState.Running);

    // START of a RUNNING instance is accepted and changes nothing, its etag included.
    const again = await compute.instanceAction({ instanceId, action: "START" });
    assert.equal(again.instance.lifecycleState, Instance.LifecycleState.Running);
    assert.equal(again.etag, running.etag);

    // SOFTRESET shows STOPPING to one read, then the instance is RUNNING again.
    const resetting = await compute.instanceAction({ instanceId, action: "SOFTRESET" });
    assert.equal(resetting.instance.lifecycleState, Instance.LifecycleState.Stopping);
    await h.admin(endpoint, "DELETE", "/journal");
    const reset = await waiters.forInstance({ instanceId }, Instance.LifecycleState.Running);
    assert.equal(reset.instance.lifecycleState, "RUNNING");
    assert.notEqual(reset.etag, running.etag);
    assert.equal((await h.journal(endpoint, "GetInstance")).length, 2, "one poll saw STOPPING, the next RUNNING");

    const actions = await h.journal(endpoint);
    assert.ok(actions.every((e) => e.operation !== "InstanceAction"), "the waiter only reads");
  });
});

test("TerminateInstance, then forInstance to TERMINATED; a terminated instance still answers GetInstance", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, waiters } = clients;
    const { id: instanceId } = await h.addInstance(endpoint, { displayName: "doomed" });
    const { id: otherId } = await h.addInstance(endpoint, { displayName: "survivor" });
    const current = await compute.getInstance({ instanceId });

    await assert.rejects(
      compute.terminateInstance({ instanceId, ifMatch: "0".repeat(64) }),
      ociError(412, "NoEtagMatch")
    );
    const terminated = await compute.terminateInstance({ instanceId, ifMatch: current.etag });
    assert.ok(terminated.opcRequestId);

    const gone = await waiters.forInstance({ instanceId }, Instance.LifecycleState.Terminated);
    assert.ok(gone, "the fake answers 200 TERMINATED, so the waiter's allowance for a 404 is not needed");
    assert.equal(gone.instance.lifecycleState, Instance.LifecycleState.Terminated);
    assert.notEqual(gone.etag, current.etag);
    const got = await compute.getInstance({ instanceId });
    assert.equal(got.instance.lifecycleState, "TERMINATED");
    assert.equal(got.instance.displayName, "doomed");

    // TERMINATED instances are listed; the filter finds them.
    const listed = await compute.listInstances({ compartmentId: h.COMPARTMENT_ID, sortBy: "DISPLAYNAME" });
    assert.deepEqual(listed.items.map((i) => [i.displayName, i.lifecycleState]), [
      ["doomed", "TERMINATED"],
      ["survivor", "RUNNING"],
    ]);
    const terminatedOnly = await compute.listInstances({
      compartmentId: h.COMPARTMENT_ID,
      lifecycleState: Instance.LifecycleState.Terminated,
    });
    assert.deepEqual(terminatedOnly.items.map((i) => i.id), [instanceId]);

    // A TERMINATED instance takes no more changes: the fake answers them 404, as docs/behaviour.md says.
    await assert.rejects(
      compute.instanceAction({ instanceId, action: "STOP" }),
      ociError(404, "NotAuthorizedOrNotFound", /TERMINATED/)
    );
    await assert.rejects(compute.terminateInstance({ instanceId }), ociError(404, "NotAuthorizedOrNotFound"));
    assert.equal((await compute.getInstance({ instanceId: otherId })).instance.lifecycleState, "RUNNING");
  });
});

test("stop, image, start: the instance is stopped for the capture and running again afterwards", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, waiters } = clients;
    const { id: instanceId } = await h.addInstance(endpoint, {
      displayName: "app-server",
      operatingSystem: "Oracle Linux",
      operatingSystemVersion: "9",
    });

    // As a program would write it: stop and wait, capture and wait, start and wait.
    await compute.instanceAction({ instanceId, action: "STOP" });
    const stopped = await waiters.forInstance({ instanceId }, Instance.LifecycleState.Stopped);
    assert.equal(stopped.instance.lifecycleState, "STOPPED");

    const capture = await waiters.forCreateImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId, displayName: "app-server-golden" },
    });
    assert.equal(capture.response.image.lifecycleState, Image.LifecycleState.Provisioning);
    assert.equal(capture.workRequestResponse.workRequest.status, "SUCCEEDED");
    assert.equal(capture.workRequestResponse.workRequest.operationType, "Create Image");
    const imageId = capture.response.image.id;
    const image = await waiters.forImage({ imageId }, Image.LifecycleState.Available);
    assert.equal(image.image.lifecycleState, "AVAILABLE");
    assert.equal(image.image.displayName, "app-server-golden");
    assert.equal(image.image.operatingSystemVersion, "9");
    assert.equal(image.image.baseImageId, stopped.instance.imageId, "the instance's image is the new one's base");

    await compute.instanceAction({ instanceId, action: "START" });
    const running = await waiters.forInstance({ instanceId }, Instance.LifecycleState.Running);
    assert.equal(running.instance.lifecycleState, "RUNNING");
    assert.equal(running.instance.imageId, stopped.instance.imageId, "capturing an image does not relaunch it");

    const ops = (await h.journal(endpoint)).map((e) => e.operation).filter((op) => op !== "Admin");
    assert.deepEqual(
      [...new Set(ops)],
      ["InstanceAction", "GetInstance", "CreateImage", "GetWorkRequest", "GetImage"],
      "the SDK's calls, in the order they first came"
    );
  });
});

test("an image of an instance holds it in CREATING_IMAGE", T, async () => {
  await h.withServer({}, async ({ endpoint }) => {
    const clients = h.makeClients(endpoint);
    const { compute, waiters } = clients;
    // Five counted reads of PROVISIONING: room to look at the instance while the image is made.
    await h.applyScenario(endpoint, { name: "slower-capture", lifecycle: { provision: { polls: 5 } } });
    const { id: instanceId } = await h.addInstance(endpoint, { displayName: "app-server" });
    await act(clients, instanceId, "STOP", Instance.LifecycleState.Stopped);

    const created = await compute.createImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId, displayName: "first" },
    });
    assert.equal(created.image.lifecycleState, Image.LifecycleState.Provisioning);
    const during = await compute.getInstance({ instanceId });
    assert.equal(during.instance.lifecycleState, Instance.LifecycleState.CreatingImage);
    assert.equal((await compute.getImage({ imageId: created.image.id })).image.lifecycleState, "PROVISIONING");
    const listed = await compute.listInstances({
      compartmentId: h.COMPARTMENT_ID,
      lifecycleState: Instance.LifecycleState.CreatingImage,
    });
    assert.deepEqual(listed.items.map((i) => i.id), [instanceId]);

    // A second image of it at once is refused, naming the state. CreateImage is retried on
    // IncorrectState by the SDK: one attempt here, to see the refusal itself.
    await assert.rejects(
      compute.createImage({
        createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId, displayName: "second" },
        retryConfiguration: h.noRetry(),
      }),
      ociError(409, "IncorrectState", /CREATING_IMAGE/)
    );
    // So are the instance's own changes while the image is made.
    await assert.rejects(
      compute.instanceAction({ instanceId, action: "START" }),
      ociError(409, "IncorrectState", /CREATING_IMAGE/)
    );
    await assert.rejects(compute.terminateInstance({ instanceId }), ociError(409, "IncorrectState", /CREATING_IMAGE/));

    const image = await waiters.forImage({ imageId: created.image.id }, Image.LifecycleState.Available);
    assert.equal(image.image.lifecycleState, "AVAILABLE");
    const after = await compute.getInstance({ instanceId });
    assert.equal(after.instance.lifecycleState, Instance.LifecycleState.Stopped, "back in the state it was in");
    const images = await compute.listImages({ compartmentId: h.COMPARTMENT_ID, displayName: "second" });
    assert.deepEqual(images.items, [], "the refused image was never made");

    // From RUNNING, and through an image that fails, the instance comes back as well.
    await act(clients, instanceId, "START", Instance.LifecycleState.Running);
    await h.applyScenario(endpoint, { name: "failing-capture", lifecycle: { provision: { fail: "disk unreadable" } } });
    const { id: runningId } = await h.addInstance(endpoint, { displayName: "web" });
    const failing = await waiters.forCreateImage({
      createImageDetails: { compartmentId: h.COMPARTMENT_ID, instanceId: runningId },
    });
    assert.equal(failing.workRequestResponse.workRequest.status, "FAILED");
    const back = await compute.getInstance({ instanceId: runningId });
    assert.equal(back.instance.lifecycleState, Instance.LifecycleState.Running);
  });
});
