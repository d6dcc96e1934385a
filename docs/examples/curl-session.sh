#!/usr/bin/env bash
# A session with the standalone server and curl, as a test in any language would drive it:
# start ocifake-server on a free port, read the endpoint from its first line, register an instance
# through the admin API, create an image from it with the OCI API, read it back, stop the server.
#
#   docs/examples/curl-session.sh [path/to/ocifake-server]
#
# Run by the build's tests (ctest: example.curl_session) against the ocifake-server it built.
set -euo pipefail
server=${1:-ocifake-server}
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# [start]
mkfifo "$work/stdout"
"$server" --port 0 --clock manual >"$work/stdout" &
pid=$!
exec 3<"$work/stdout"
read -r -t 10 first_line <&3                # ocifake-server listening on http://127.0.0.1:PORT
endpoint=${first_line##* }
# [start]
echo "server: $endpoint"

# [session]
compartment=ocid1.compartment.oc1..aaaaaaaacurl
instance=$(curl -sS --fail-with-body "$endpoint/_ocifake/instances" \
  -H 'content-type: application/json' -d "{\"compartmentId\": \"$compartment\", \"displayName\": \"build-vm\"}")
instance_id=$(grep -o '"id":"[^"]*"' <<<"$instance" | head -n1 | cut -d'"' -f4)

created=$(curl -sS --fail-with-body "$endpoint/20160918/images" -H 'content-type: application/json' \
  -H 'opc-retry-token: curl-session-1' \
  -d "{\"compartmentId\": \"$compartment\", \"instanceId\": \"$instance_id\", \"displayName\": \"golden\"}")
image_id=$(grep -o '"id":"[^"]*"' <<<"$created" | head -n1 | cut -d'"' -f4)

curl -sS --fail-with-body "$endpoint/20160918/images/$image_id"            # PROVISIONING, then
curl -sS --fail-with-body "$endpoint/20160918/images/$image_id"            # AVAILABLE
curl -sS --fail-with-body "$endpoint/_ocifake/journal"                     # what the server saw
# [session]
echo

state=$(curl -sS --fail-with-body "$endpoint/20160918/images/$image_id")
grep -q '"lifecycleState":"AVAILABLE"' <<<"$state" || { echo "expected AVAILABLE, got: $state" >&2; exit 1; }

# [stop]
kill -TERM "$pid"
wait "$pid"                                   # exits 0 once stopped
# [stop]
pid=
echo "curl session: image $image_id created and AVAILABLE; server stopped cleanly"
