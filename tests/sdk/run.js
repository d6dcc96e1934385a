"use strict";
// Runs the SDK suite the way ctest does (tests/CMakeLists.txt registers `node run.js` as the test
// "sdk"): every *.test.js here under Node's test runner, with a deadline for the whole run.
//
// Exit status: the runner's; 77 (ctest's SKIP_RETURN_CODE for this test) when the SDK packages are
// not installed, so that a build without `npm ci` shows the suite as skipped rather than passed;
// 1 when the run outlives its deadline (OCIFAKE_SDK_DEADLINE_S, default 110 s).

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const SKIP = 77;

for (const name of ["oci-common", "oci-core", "oci-workrequests"]) {
  try {
    require.resolve(name, { paths: [__dirname] });
  } catch {
    console.log(`SKIP: the SDK package ${name} is not installed; run \`npm ci\` in ${__dirname}`);
    process.exit(SKIP);
  }
}
if (!process.env.OCIFAKE_SERVER) {
  console.log("SKIP: OCIFAKE_SERVER does not name the ocifake-server binary");
  process.exit(SKIP);
}

const files = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith(".test.js"))
  .sort();
// A process group of its own: the runner, its per-file processes and the servers they start all
// go together when the deadline passes or ctest stops this one.
// A deadline for each test as well (the test files set their own; this covers any that do not),
// where the runner has the flag (Node 20.11 and later).
const [major, minor] = process.versions.node.split(".").map(Number);
const perTest = major > 20 || (major === 20 && minor >= 11) ? ["--test-timeout=60000"] : [];
const child = spawn(process.execPath, ["--test", ...perTest, ...files], {
  cwd: __dirname,
  stdio: "inherit",
  detached: true,
});
const killAll = () => {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
};

const deadlineSeconds = Number(process.env.OCIFAKE_SDK_DEADLINE_S || 110);
const watchdog = setTimeout(() => {
  console.error(`the SDK suite did not finish within ${deadlineSeconds} s; stopping it`);
  killAll();
}, deadlineSeconds * 1000);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    killAll();
    process.exit(1);
  });
}

child.on("exit", (code, signal) => {
  clearTimeout(watchdog);
  process.exit(signal ? 1 : code);
});
