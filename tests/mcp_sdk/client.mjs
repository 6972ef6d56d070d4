// client.mjs - the official MCP TypeScript SDK's client against `footnote mcp` (TAP output).
// argv: FOOTNOTE_BINARY CONFIG_FILE DOCS_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, cfg, docs] = process.argv.slice(2);
let n = 0, failed = 0;
function ok(cond, desc, detail) {
  n++;
  if (!cond) failed++;
  console.log(`${cond ? "ok" : "not ok"} ${n} - ${desc}`);
  if (!cond && detail !== undefined)
    for (const line of JSON.stringify(detail, null, 1).split("\n").slice(0, 20)) console.log("# " + line);
}

const transport = new StdioClientTransport({
  command: bin, args: ["--config", cfg, "mcp", "--no-watch"], env: process.env, stderr: "inherit",
});
const client = new Client({ name: "footnote-test", version: "1.0.0" });
try {
  await client.connect(transport);
  ok(client.getServerVersion()?.name === "footnote", "connect: initialize negotiated", client.getServerVersion());
  const { tools } = await client.listTools();
  ok(["ask", "get_source", "search"].every((t) => tools.some((x) => x.name === t)), "listTools: search, ask, get_source", tools.map((t) => t.name));

  // callTool validates structuredContent against each tool's outputSchema.
  const s = await client.callTool({ name: "search", arguments: { query: "boiling point of water", k: 3 } });
  ok(!s.isError && s.structuredContent.hits[0].path.endsWith("/water.md"), "callTool search: the right file first", s);

  const progress = [];
  const a = await client.callTool({ name: "ask", arguments: { question: "At what temperature does water boil?" } },
    undefined, { onprogress: (p) => progress.push(p.progress) });
  ok(!a.isError && a.structuredContent.answer.includes("[1]"), "callTool ask: a cited answer", a);
  ok(a.structuredContent.citations[0].path.endsWith("/water.md"), "callTool ask: its citation", a.structuredContent.citations);
  ok(progress.length > 0, "callTool ask: progress notifications reached the client", progress);

  const g = await client.callTool({ name: "get_source", arguments: { path: `${docs}/water.md`, lines: "1-3" } });
  ok(!g.isError && g.structuredContent.passages.length > 0 && g.structuredContent.stale === false, "callTool get_source: the passage", g);

  const { resources } = await client.listResources();
  ok(resources.some((r) => r.uri.endsWith("/water.md")), "listResources: the indexed files", resources);
  const rd = await client.readResource({ uri: resources[0].uri });
  ok(rd.contents[0].text.length > 0, "readResource: text", rd);

  let threw = false;
  try { await client.callTool({ name: "search", arguments: { query: 7 } }); } catch (e) { threw = /query/.test(String(e)); }
  ok(threw, "callTool with a wrong argument type: an error naming the argument");
  await client.close();
} catch (e) {
  ok(false, "the SDK client ran without an exception", String(e && e.stack || e));
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
