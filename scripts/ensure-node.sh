# Sourced by ./sesame and .ci/run: puts a Node.js >= 22.18 first on PATH (Sésame targets Node 24 LTS),
# installing Node 24 from the npm registry into ~/.node24 when the system one is older.
node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 18) ? 0 : 1)'
}
if ! node_is_recent; then
  if [ ! -x "$HOME/.node24/bin/node" ]; then
    echo "Installing Node.js 24 into ~/.node24 (the system Node.js is $(node --version 2>/dev/null || echo missing))" >&2
    npm install --global --prefix "$HOME/.node24" node@24 >&2
  fi
  export PATH="$HOME/.node24/bin:$PATH"
fi
