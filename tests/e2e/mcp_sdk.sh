# mcp_sdk.sh - `footnote mcp` against a client no one here wrote: the official MCP TypeScript
# SDK (npm @modelcontextprotocol/sdk, pinned in tests/mcp_sdk/package.json) run with node. It
# is installed by name into the build folder; without node or npm's registry the test skips,
# saying why.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	skip "the MCP SDK client lists and calls every tool" "node and npm are not installed"
	tap_done
fi
sdk=$(dirname "$FN_BIN")/mcp_sdk
mkdir -p "$sdk"
cp "$FN_ROOT/tests/mcp_sdk/package.json" "$FN_ROOT/tests/mcp_sdk/client.mjs" "$sdk/"
if [ ! -d "$sdk/node_modules/@modelcontextprotocol/sdk" ] &&
	! (cd "$sdk" && npm install --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
	skip "the MCP SDK client lists and calls every tool" "npm could not install @modelcontextprotocol/sdk: $(tail -n 1 "$sdk/npm.log")"
	tap_done
fi
mkdir docs
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >docs/water.md
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/docs}]}
profiles:
  rag: {provider: local, model: llama3.1}
YAML
"$FN_BIN" --config cfg.yaml index >/dev/null 2>&1 || tap_bail "index failed"
node "$sdk/client.mjs" "$FN_BIN" "$FN_TMP/cfg.yaml" "$FN_TMP/docs"
