"use strict";
/*
 * Helpers for the end-to-end tests that drive ocifake-server with the official OCI TypeScript SDK
 * (oci-common, oci-core, oci-workrequests 2.139.1, pinned in package.json).
 *
 * How the SDK is configured, read from its sources in node_modules:
 *
 * Authentication (oci-common/lib/auth/auth.js, signer.js)
 *   new SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, privateKeyPem, passphrase|null,
 *   region?). keyId is "<tenancy>/<user>/<fingerprint>". The key goes through sshpk.parsePrivateKey(pem,
 *   "auto"), so PKCS#1 and PKCS#8 PEM both work. The fingerprint is only echoed in keyId: the SDK never
 *   checks it, but real OCI uses MD5 of the DER SubjectPublicKeyInfo, colon-separated, and so do we.
 *   Give no region: a provider with a region makes the client constructor set `client.region`, which
 *   points the endpoint at real OCI until it is overwritten.
 *
 * Endpoint (oci-core/lib/client.js, oci-workrequests/lib/client.js)
 *   `client.endpoint = "http://127.0.0.1:PORT"` (no trailing slash); the setter appends "/20160918".
 *   Set it after construction (see region above). One fake serves both ComputeClient and
 *   WorkRequestClient.
 *
 * Retries (oci-common/lib/retrier.js, waiter.js)
 *   Each operation carries a "spec" retry configuration: OciSdkDefaultRetryConfiguration (8 attempts,
 *   ExponentialBackoffDelayStrategyWithJitter(30): 2^n s capped at 30 s, plus 0-1 s jitter) for
 *   CreateImage, GetImage, ListImages, ExportImage, ChangeImageCompartment and the shape reads;
 *   NoRetryConfigurationDetails (1 attempt) for UpdateImage, DeleteImage and every work-request call.
 *   The configuration used is the first of: the request's `retryConfiguration`, the client's
 *   (`new ComputeClient({authenticationDetailsProvider}, {retryConfiguration})`), the process-wide
 *   `GenericRetrier.defaultRetryConfiguration` (set from OCI_SDK_DEFAULT_RETRY_ENABLED, or assigned);
 *   it is then laid field by field OVER the spec configuration. So:
 *     - `{delayStrategy}` alone keeps each operation's own policy (retried or not, 8 attempts) and only
 *       shortens the waits: that is `fastDelays()` below, the default for these tests.
 *     - `{terminationStrategy: new MaxAttemptsTerminationStrategy(n), delayStrategy}` forces n attempts
 *       on every operation, UpdateImage and DeleteImage included: `fastRetry(n)`.
 *   Strategies are duck-typed: a delay strategy is any `{delay(ctx) -> seconds}` (fractions work: the
 *   SDK sleeps `setTimeout(seconds * 1000)`; `ctx.attemptCount` is 0 before the first retry), a
 *   termination strategy any `{shouldTerminate(ctx) -> bool}`. Quirk: MaxAttemptsTerminationStrategy(n)
 *   makes n attempts in all, but its `maxAttempts` getter answers n - 1, and the SDK sends
 *   `opc-client-retries: true` only when that getter is above 1 (n >= 3).
 *   What is retried (DefaultRetryCondition): 500, 502, 503, 504, any client-side failure (reset,
 *   refused, aborted, timeout: statusCode NaN or -1), 409 only with code IncorrectState, 429 only with
 *   code TooManyRequests. Each retry gets a fresh x-date and signature; headers (opc-retry-token,
 *   opc-request-id) and body are reused. Every retry prints a console.warn line.
 *
 * Timeouts
 *   The SDK sets none: on Node 18+ it uses the global (undici) fetch, whose own limits are minutes.
 *   The client's `httpOptions` are passed as fetch's second argument on every call, so a getter
 *   `get signal() { return AbortSignal.timeout(ms); }` gives each attempt its own deadline: that is
 *   `timeoutMs` in makeClients(). The abort surfaces as a client-side error, which the retrier retries.
 *
 * Circuit breaker (oci-common/lib/circuit-breaker.js, http.js)
 *   ComputeClient has none by default; WorkRequestClient gets an opossum breaker (opens at 80 % failures
 *   over at least 10 requests in 120 s, stays open 30 s). Beware: with a breaker AND httpOptions, http.js
 *   returns the breaker's `{response}` wrapper instead of the Response and every call fails, so
 *   makeClients() disables the breaker (`new CircuitBreaker({disableClientCircuitBreaker: true})`)
 *   whenever it sets httpOptions, or when asked with `circuitBreaker: false`.
 *
 * Waiters (oci-core/lib/compute-waiter.js, oci-workrequests/lib/workrequest-waiter.js)
 *   `compute.createWaiters(workRequestClient, {terminationStrategy, delayStrategy})` returns a
 *   ComputeWaiter (also `compute.getWaiters()` afterwards). Defaults: MaxTimeTerminationStrategy(1200 s)
 *   and ExponentialBackoffDelayStrategy(30) without jitter; the first poll is immediate, then 1, 2, 4 ... s.
 *   `forImage(getImageRequest, ...states)` polls GetImage until lifecycleState is one of the states.
 *   Its allow-404 for DELETED never takes effect (the inner promise is returned un-awaited inside the
 *   try), so a 404 rejects the wait. `forCreateImage(createImageRequest)` / `forExportImage` call the
 *   operation, then poll GetWorkRequest(opcWorkRequestId) with the same config until `timeFinished` is
 *   set, whatever the status: a FAILED work request resolves, the caller must look at
 *   `workRequestResponse.workRequest.status`. When a strategy gives up, the waiter throws a plain Error
 *   ("Termination strategy decided to terminate ..."). `fastWaiter()` below polls every 20 ms for 30 s.
 *   Each poll is an ordinary client call and goes through the retrier as well.
 *
 * The server under test is the binary named by OCIFAKE_SERVER; startServer() runs it on an ephemeral
 * port and reads the port from its first stdout line. withServer() wraps a test body in a server of its
 * own and adds the tail of the server's log to a failure. admin() and the small wrappers after it call
 * the admin API under /_ocifake/ (plain fetch: admin calls are never signed nor signature-checked).
 */

const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const readline = require("node:readline");

const common = require("oci-common");
const core = require("oci-core");
const workrequests = require("oci-workrequests");

const TENANCY_ID = "ocid1.tenancy.oc1..aaaaaaaaocifaketenancy";
const USER_ID = "ocid1.user.oc1..aaaaaaaaocifakeuser";
const COMPARTMENT_ID = "ocid1.compartment.oc1..aaaaaaaaocifakecompartment";

/** The fingerprint OCI shows for an API key: MD5 of the DER SubjectPublicKeyInfo, "aa:bb:...". */
function fingerprintOf(publicKey) {
  const der = crypto.createPublicKey(publicKey).export({ type: "spki", format: "der" });
  return crypto.createHash("md5").update(der).digest("hex").match(/../g).join(":");
}

/** A fresh RSA key pair in PEM form, with its OCI fingerprint. */
function generateKeyPair(modulusLength = 2048) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { publicKey, privateKey, fingerprint: fingerprintOf(publicKey) };
}

let sharedKey = null;
/** One key pair per test process: RSA generation costs tens of milliseconds. */
function testKey() {
  if (!sharedKey) sharedKey = generateKeyPair();
  return sharedKey;
}

/**
 * An authentication provider for a fake tenancy and user.
 * @param {object} [opts] {tenancy, user, key: generateKeyPair() result}
 */
function makeAuthProvider(opts = {}) {
  const key = opts.key || testKey();
  const tenancy = opts.tenancy || TENANCY_ID;
  const user = opts.user || USER_ID;
  const provider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, key.fingerprint, key.privateKey, null);
  return { provider, key, keyId: `${tenancy}/${user}/${key.fingerprint}` };
}

/**
 * Delay strategy with the SDK's exponential shape (2^n capped at 30), scaled down: with the default
 * scale the waits are 10, 20, 40, 80, 160, 300, 300 ms.
 */
function scaledBackoff(scale = 0.01) {
  return {
    maxDelayInSeconds: 30 * scale,
    delay(context) {
      return Math.min(2 ** context.attemptCount, 30) * scale;
    },
  };
}

/** Keeps each operation's own retry policy, with short waits. */
function fastDelays(scale = 0.01) {
  return { delayStrategy: scaledBackoff(scale) };
}

/** Retries every operation (those the SDK does not retry too) up to `attempts` attempts in all. */
function fastRetry(attempts = 8, scale = 0.01) {
  return {
    terminationStrategy: new common.MaxAttemptsTerminationStrategy(attempts),
    delayStrategy: scaledBackoff(scale),
  };
}

/** One attempt per call, whatever the operation. */
function noRetry() {
  return { terminationStrategy: new common.MaxAttemptsTerminationStrategy(1) };
}

/** Waiter configuration polling every `pollSeconds` for at most `maxSeconds`. */
function fastWaiter(maxSeconds = 30, pollSeconds = 0.02) {
  return {
    terminationStrategy: new common.MaxTimeTerminationStrategy(maxSeconds),
    delayStrategy: new common.FixedTimeDelayStrategy(pollSeconds),
  };
}

/**
 * A ComputeClient, a WorkRequestClient and a ComputeWaiter pointed at `endpoint`.
 * @param {string} endpoint "http://127.0.0.1:PORT", no trailing slash
 * @param {object} [opts]
 *   retryConfiguration  client-level retry configuration (default fastDelays(); undefined keeps the SDK's)
 *   waiterConfiguration default fastWaiter()
 *   timeoutMs           a deadline for each attempt (see "Timeouts" above)
 *   circuitBreaker      false disables the WorkRequestClient's breaker (it is disabled anyway with timeoutMs)
 *   auth                a makeAuthProvider() result
 */
function makeClients(endpoint, opts = {}) {
  const auth = opts.auth || makeAuthProvider();
  const clientConfiguration = {};
  clientConfiguration.retryConfiguration =
    "retryConfiguration" in opts ? opts.retryConfiguration : fastDelays();
  if (opts.timeoutMs !== undefined) {
    const ms = opts.timeoutMs;
    clientConfiguration.httpOptions = {
      get signal() {
        return AbortSignal.timeout(ms);
      },
    };
  }
  if (opts.circuitBreaker === false || clientConfiguration.httpOptions) {
    clientConfiguration.circuitBreaker = new common.CircuitBreaker({ disableClientCircuitBreaker: true });
  }
  const params = { authenticationDetailsProvider: auth.provider };
  const compute = new core.ComputeClient(params, clientConfiguration);
  const workRequests = new workrequests.WorkRequestClient(params, clientConfiguration);
  compute.endpoint = endpoint;
  workRequests.endpoint = endpoint;
  const waiters = compute.createWaiters(workRequests, opts.waiterConfiguration || fastWaiter());
  return { compute, workRequests, waiters, auth };
}

/** The ocifake-server binary from OCIFAKE_SERVER, or null when unset. */
function serverBinary() {
  return process.env.OCIFAKE_SERVER || null;
}

/** For `test(name, { skip: skipWithoutServer() }, fn)`: false, or why the test cannot run. */
function skipWithoutServer() {
  const bin = serverBinary();
  if (!bin) return "OCIFAKE_SERVER is not set to the ocifake-server binary";
  if (!fs.existsSync(bin)) return `OCIFAKE_SERVER=${bin} does not exist`;
  return false;
}

const LISTENING = /^ocifake-server listening on (http:\/\/\S+)$/;

/**
 * Starts ocifake-server and resolves once it listens.
 * @param {object} [opts]
 *   args          extra arguments (default: --clock real --seed 1)
 *   platformImages false: start without the catalogue of platform images (a start-up scenario
 *                 {"platformImages": false}), for tests that count the ListImages calls of a walk
 *   publicKeys    PEM strings: adds --verify-signatures and one --public-key FILE each
 *   startTimeoutMs how long to wait for the "listening" line (default 10 s)
 *   binary        the program to run instead of OCIFAKE_SERVER
 * @returns {Promise<{endpoint, child, stderr: () => string, stop: () => Promise<number|null>}>}
 */
async function startServer(opts = {}) {
  const bin = opts.binary || serverBinary();
  if (!bin) throw new Error("OCIFAKE_SERVER is not set to the ocifake-server binary");
  const args = [...(opts.args || ["--clock", "real", "--seed", "1"]), "--port", "0"];
  let keyDir = null;
  if (opts.platformImages === false) {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "ocifake-server-"));
    const file = path.join(keyDir, "no-platform-images.json");
    fs.writeFileSync(file, JSON.stringify({ name: "no platform images", platformImages: false }));
    args.push("--scenario", file);
  }
  if (opts.publicKeys && opts.publicKeys.length > 0) {
    keyDir = keyDir || fs.mkdtempSync(path.join(os.tmpdir(), "ocifake-server-"));
    args.push("--verify-signatures");
    opts.publicKeys.forEach((pem, i) => {
      const file = path.join(keyDir, `key${i}.pem`);
      fs.writeFileSync(file, pem);
      args.push("--public-key", file);
    });
  }
  const cleanup = () => {
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
    keyDir = null;
  };

  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  // The server logs a line per request on stderr: keep the tail for failure messages, and keep
  // reading so the pipe never fills and blocks it.
  let stderrText = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderrText = (stderrText + chunk).slice(-64 * 1024);
  });
  // "exit" may not follow an "error" (a binary that cannot be spawned): settle on either.
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
  });

  let endpoint;
  try {
    endpoint = await new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      const timer = setTimeout(() => {
        reject(new Error(`ocifake-server did not report its port within ${opts.startTimeoutMs || 10000} ms\n${stderrText}`));
      }, opts.startTimeoutMs || 10000);
      exited.then(({ code, signal, error }) => {
        clearTimeout(timer);
        reject(error || new Error(`ocifake-server exited (code ${code}, signal ${signal}) before listening\n${stderrText}`));
      });
      lines.once("line", (line) => {
        clearTimeout(timer);
        const m = LISTENING.exec(line.trim());
        if (m) resolve(m[1]);
        else reject(new Error(`unexpected first line from ocifake-server: ${JSON.stringify(line)}`));
      });
    });
  } catch (err) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    cleanup();
    throw err;
  }
  child.stdout.resume();

  let stopping = null;
  const stop = (timeoutMs = 5000) => {
    if (!stopping) {
      stopping = (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
          const { code } = await exited;
          clearTimeout(killer);
          cleanup();
          return code;
        }
        cleanup();
        return child.exitCode;
      })();
    }
    return stopping;
  };
  return { endpoint, child, stderr: () => stderrText, stop };
}

/**
 * Runs `fn(server)` against a server of its own, stopped afterwards whatever happens. A failure gets
 * the tail of the server's request log appended, which usually says what the fake saw.
 * @param {object} opts as for startServer()
 */
async function withServer(opts, fn) {
  const server = await startServer(opts);
  try {
    return await fn(server);
  } catch (err) {
    if (err && typeof err === "object" && typeof err.message === "string") {
      const tail = server.stderr().split("\n").slice(-30).join("\n");
      try {
        err.message += `\n--- ocifake-server log (tail) ---\n${tail}`;
      } catch {
        // a read-only message: leave it as it is
      }
    }
    throw err;
  } finally {
    await server.stop();
  }
}

/**
 * The custom images of a ListImages answer: ListImages lists the catalogue of platform images in
 * every compartment too, and a platform image has no compartment (compartmentId null).
 */
function customImages(items) {
  return items.filter((image) => image.compartmentId);
}

/**
 * Calls the admin API: admin(endpoint, "POST", "/faults", rule). Resolves to the parsed JSON answer;
 * rejects with the status and body when the answer is not 2xx.
 */
async function admin(endpoint, method, adminPath, body) {
  const init = { method, headers: {}, signal: AbortSignal.timeout(10000) };
  if (method !== "GET" && method !== "HEAD") {
    // cpp-httplib wants a length even on an empty POST: a string body always has one.
    init.body = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const res = await fetch(`${endpoint}/_ocifake${adminPath}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /_ocifake${adminPath}: ${res.status} ${text}`);
  return text === "" ? null : JSON.parse(text);
}

/** Registers an instance (POST /_ocifake/instances) in COMPARTMENT_ID unless told otherwise; resolves to it. */
function addInstance(endpoint, instance = {}) {
  return admin(endpoint, "POST", "/instances", { compartmentId: COMPARTMENT_ID, ...instance });
}

/** Adds a fault rule, or an array of them (POST /_ocifake/faults); resolves to what the fake answered. */
function addFault(endpoint, rule) {
  return admin(endpoint, "POST", "/faults", rule);
}

/** The fault rules with their counters (GET /_ocifake/faults). */
function faults(endpoint) {
  return admin(endpoint, "GET", "/faults");
}

/** The journal (GET /_ocifake/journal), only `operation`'s entries when given. */
function journal(endpoint, operation) {
  return admin(endpoint, "GET", operation ? `/journal?operation=${encodeURIComponent(operation)}` : "/journal");
}

/** Replaces the fake's state with a scenario document (POST /_ocifake/scenario). */
function applyScenario(endpoint, scenario) {
  return admin(endpoint, "POST", "/scenario", scenario);
}

module.exports = {
  TENANCY_ID,
  USER_ID,
  COMPARTMENT_ID,
  common,
  core,
  workrequests,
  fingerprintOf,
  generateKeyPair,
  testKey,
  makeAuthProvider,
  scaledBackoff,
  fastDelays,
  fastRetry,
  noRetry,
  fastWaiter,
  makeClients,
  serverBinary,
  skipWithoutServer,
  startServer,
  withServer,
  admin,
  addInstance,
  addFault,
  faults,
  journal,
  applyScenario,
  customImages,
};
