# mcp.sh - `footnote mcp` driven as a client would (tests/e2e/mcp.py), on a small index of two
# collections, with the builtin answerer and the loopback model server.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes recipes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >notes/water.md
printf '# Bread\n\nMix flour, water and salt; bake the bread at 230 degrees.\n' >recipes/bread.md
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes, collection: notes}, {path: $FN_TMP/recipes, collection: recipes}]}
profiles:
  rag: {provider: local, model: llama3.1}
  stall: {provider: local, model: stall}
  offline: {provider: builtin}
  notes-only: {provider: builtin, retrieval: {collections: [notes]}}
YAML
"$FN_BIN" --config cfg.yaml index >/dev/null 2>&1 || tap_bail "index failed"
export FAKELLM_URL
exec python3 "$FN_ROOT/tests/e2e/mcp.py"
