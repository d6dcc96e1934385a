# Turns run.sh's "name<TAB>value" lines into the Markdown table of docs/performance.md.
# Ratios are ocifake / baseline from the same run; wrk ratios are the median of the per-round ratios.
function median(a, n,    i, j, t) {
  for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function verdict(ok) { return ok ? "met" : "**missed**" }
function row(what, fake, base, ratio, target, ok) {
  printf "| %s | %s | %s | %s | %s | %s |\n", what, fake, base, ratio, target, verdict(ok)
}
function wrk(op, target,    r, n, f, b, rr, fs, bs, fc, bc, ratio, name) {
  n = 0
  for (r = 1; r <= rounds; r++) {
    if (!(("wrk." op ".ocifake.r" r ".rps") in v)) continue
    n++
    fs[n] = v["wrk." op ".ocifake.r" r ".rps"]; bs[n] = v["wrk." op ".baseline.r" r ".rps"]
    fc[n] = v["wrk." op ".ocifake.r" r ".server_cpu_us"]; bc[n] = v["wrk." op ".baseline.r" r ".server_cpu_us"]
    rr[n] = fs[n] / bs[n]
  }
  if (!n) return
  name = op == "create" ? "CreateImage" : "GetImage"
  f = median(fs, n); b = median(bs, n); ratio = median(rr, n)
  row(name " throughput, wrk -t2 -c16, median of " n " rounds (req/s)",
      sprintf("%.0f", f), sprintf("%.0f", b), sprintf("%.0f %%", 100 * ratio), sprintf("≥ %d %% of baseline", 100 * target),
      ratio >= target)
  f = median(fc, n); b = median(bc, n)
  printf "| %s under wrk: server CPU per request (µs) | %.1f | %.1f | %.2f× | (reported) | |\n", name, f, b, f / b
}
# Single connection from wrk (another process): p50 latency and server CPU, medians over rounds.
function wrk1(op,    r, n, fs, bs, fc, bc, f, b, name) {
  n = 0
  for (r = 1; r <= rounds; r++) {
    if (!(("wrk1." op ".ocifake.r" r ".p50_ms") in v)) continue
    n++
    fs[n] = v["wrk1." op ".ocifake.r" r ".p50_ms"] * 1000; bs[n] = v["wrk1." op ".baseline.r" r ".p50_ms"] * 1000
    fc[n] = v["wrk1." op ".ocifake.r" r ".server_cpu_us"]; bc[n] = v["wrk1." op ".baseline.r" r ".server_cpu_us"]
  }
  if (!n) return
  name = op == "create" ? "CreateImage" : "GetImage"
  f = median(fs, n); b = median(bs, n)
  printf "| %s latency, one connection from wrk (another process), p50 (µs) | %.0f | %.0f | %.2f× | (cross-check) | |\n",
         name, f, b, f / b
  f = median(fc, n); b = median(bc, n)
  printf "| %s, one connection from wrk: server CPU per request (µs) | %.1f | %.1f | %.2f× | (reported) | |\n", name, f, b, f / b
}
{ v[$1] = $2; if ($1 ~ /^micro\./) micro[++nmicro] = $1 }
END {
  printf "Machine: %s cores, %s; kernel %s; commit %s; %s\n", v["machine.nproc"], v["machine.cpu"], v["machine.kernel"],
         v["machine.commit"], v["run.date"]
  printf "Load average (1 min) at each section: startstop %s, latency %s, wrk %s/%s/%s, list %s, lifecycles %s, end %s\n\n",
         v["load.startstop"], v["load.latency"], v["load.wrk1"], v["load.wrk2"], v["load.wrk3"], v["load.list"],
         v["load.lifecycles"], v["load.end"]
  print "| measurement | ocifake | baseline | ratio | target | |"
  print "|---|---:|---:|---:|---|---|"
  f = v["startstop.ocifake.median_us"]; b = v["startstop.baseline.median_us"]
  row(sprintf("start + first answer + stop, median of %d (ms)", v["startstop.cycles"]), sprintf("%.2f", f / 1000),
      sprintf("%.2f", b / 1000), sprintf("%.2f×", f / b), "≤ 0.5× baseline", f <= 0.5 * b)
  f = v["startstop.ocifake.p99_us"]; b = v["startstop.baseline.p99_us"]
  row("start + first answer + stop, p99 (ms)", sprintf("%.2f", f / 1000), sprintf("%.2f", b / 1000),
      sprintf("%.2f×", f / b), "≤ 10 ms", f <= 10000)
  wrk("create", 0.90)
  wrk("get", 1.00)
  wrk1("create"); wrk1("get")
  split("create get", ops, " ")
  for (i = 1; i <= 2; i++) {
    op = ops[i]; name = op == "create" ? "CreateImage" : "GetImage"
    f = v["latency_pinned." op ".ocifake.median_us"]; b = v["latency_pinned." op ".baseline.median_us"]
    row(name " latency, one connection, process on one CPU, p50 (µs)", sprintf("%.0f", f), sprintf("%.0f", b),
        sprintf("%.2f×", f / b), "≤ 1.5× baseline", f <= 1.5 * b)
    f = v["latency_pinned." op ".ocifake.p99_us"]; b = v["latency_pinned." op ".baseline.p99_us"]
    printf "| %s latency, one connection, process on one CPU, p99 (µs) | %.0f | %.0f | %.2f× | (reported) | |\n", name, f, b, f / b
    f = v["latency." op ".ocifake.median_us"]; b = v["latency." op ".baseline.median_us"]
    printf "| %s latency, one connection, process on both CPUs, p50 (µs) | %.0f | %.0f | %.2f× | (reported) | |\n", name, f, b, f / b
    f = v["latency." op ".ocifake.cpu_us"]; b = v["latency." op ".baseline.cpu_us"]
    printf "| %s, one connection on both CPUs: CPU per request, client + server (µs) | %.1f | %.1f | %.2f× | (reported) | |\n", name, f, b, f / b
  }
  n = v["list.images"]
  split("first middle last", at, " ")
  for (i = 1; i <= 3; i++) {
    f = v["list.page_" at[i] "_us"]
    row(sprintf("ListImages, 100 of %d: %s page of %d, median of 21 (ms)", n, at[i], v["list.pages"]),
        sprintf("%.2f", f / 1000), "", "", "≤ 0.3 ms", f <= 300)
  }
  printf "| ListImages walk of all %d pages: median / p99 / slowest (ms) | %.2f / %.2f / %.2f | | | (reported) | |\n",
         v["list.pages"], v["list.walk.median_us"] / 1000, v["list.walk.p99_us"] / 1000, v["list.walk.max_us"] / 1000
  f = v["list.journal0.rss_per_image_b"]
  row(sprintf("resident memory per image created by CreateImage, %d images (bytes)", v["list.journal0.images"]),
      sprintf("%.0f", f), "", "", "≤ 2048", f <= 2048)
  f = v["list.rss_per_image_b"]
  printf "| the same with each CreateImage's journal entry kept (default journal_limit) (bytes) | %.0f | | | (reported) | |\n", f
  t0 = v["lifecycles.threads_before"]; t1 = v["lifecycles.threads_after"]
  d0 = v["lifecycles.fds_before"]; d1 = v["lifecycles.fds_after"]
  row(sprintf("threads / fds before → after %d servers", v["lifecycles.cycles"]),
      sprintf("%d → %d / %d → %d", t0, t1, d0, d1), "", "", "no growth", t1 <= t0 && d1 <= d0)
  if ("explore.runs_per_s" in v) {
    f = v["explore.runs_per_s"]
    row(sprintf("explored runs per second: %d-request body, depth 1, jobs %d, %d runs", v["explore.requests"],
                v["explore.jobs"], v["explore.runs"]), sprintf("%.0f", f), "", "", "≥ 500", f >= 500)
  }
  printf "\nThe api layer alone (ocifake_micro, CPU time per operation, no sockets):"
  for (i = 1; i <= nmicro; i++) { m = micro[i]; sub(/^micro\./, "", m); printf " %s %s;", m, v[micro[i]] }
  print ""
  errors = 0
  for (k in v) if (k ~ /\.(non2xx|socket_errors)$/) errors += v[k]
  if (errors) printf "\nwrk saw %d non-2xx answers or socket errors: see the raw figures.\n", errors
}
