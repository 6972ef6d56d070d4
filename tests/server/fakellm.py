#!/usr/bin/env python3
"""fakellm: a loopback model server that speaks the OpenAI and Ollama wire protocols.

Integration and end-to-end tests point footnote at this server instead of a real model. It
binds 127.0.0.1 only, uses the Python 3 standard library only, and always exits by itself
(after --max-seconds, on SIGTERM or SIGINT).

    python3 tests/server/fakellm.py [--port 0] [--port-file FILE] [--fixtures DIR]
                                    [--max-seconds 600] [--log FILE] [--token-ms 1]

With --port 0 the kernel picks a free port; the port number is written to --port-file
(temp file + rename, so a reader never sees a partial number) once the socket listens.
Default fixtures: tests/data/stream-fixtures in this repository (copies of the recorded
streams, see tests/data/README.md).

Endpoints
---------
  POST /v1/chat/completions   stream:true -> text/event-stream (chunked, one flush per
                              event): role delta, content deltas (about a word each;
                              "[", "1", "]" arrive as separate deltas), a chunk with
                              finish_reason, a usage-only chunk (choices: []) when
                              stream_options.include_usage is true, then "data: [DONE]".
                              stream:false (the default) -> one chat.completion object.
  GET  /v1/models             OpenAI model list.
  POST /v1/embeddings         input: str | [str] | [int] | [[int]]; encoding_format
                              "float" (default) or "base64" (little-endian float32).
  POST /api/chat              Ollama NDJSON (application/x-ndjson); stream defaults to
                              true; last line has done:true, done_reason, prompt_eval_count,
                              eval_count and durations in nanoseconds.
  GET  /api/tags              Ollama model list.      GET /api/version, GET /health too.
  POST /api/embed             {"model","input":str|[str],"truncate":bool} ->
                              {"embeddings":[[...]]}. truncate defaults to true; with
                              truncate:false an input longer than the limit (2000
                              characters, or limit=N in the model name) gives HTTP 400
                              {"error":"the input length exceeds the context length"}.
  POST /api/embeddings        legacy Ollama: {"prompt": str} -> {"embedding": [...]}.
  POST /v1/rerank, /rerank    llama-server --reranking (also vLLM, Jina, Cohere):
                              {"model","query","documents":[str],"top_n"} ->
                              {"model","object":"list","usage","results":[{"index",
                              "relevance_score"}]} best first, at most top_n. With "texts"
                              instead of "documents" (Hugging Face TEI): [{"index","score"}].
                              A document scores the share of the query's words it holds;
                              model "rerank:reverse" (or mode rerank_reverse, for TEI's
                              body, which names no model) scores the last document best, so
                              the order visibly differs from the client's. fault:500 and
                              stall (model name or /_script) work here too.
  Test control (never recorded, never scripted):
  POST /_script               JSON list of scenario names (or {"scenarios": [...]}): the
                              next requests, on any endpoint and in order, use these
                              scenarios before falling back to the model-name rule.
                              Appends to the queue. GET /_script shows what is left.
  GET  /_requests             JSON list of every request so far: {"seq", "time", "method",
                              "path", "query", "headers" (lower-case names), "body"
                              (parsed JSON or null), "body_text" (raw text when the body
                              is not JSON, else null), "scenario"}.
  POST /_reset                clears the queue and the request list (not the mode).
  POST /_mode                 JSON object merged into the server-wide mode (GET shows it):
                                n_ctx=N     llama-server: GET /props, POST /tokenize, meta
                                            in /v1/models, and a chat prompt of N tokens or
                                            more gets llama-server's HTTP 400
                                            exceed_context_size_error body
                                ubatch=N    /v1/embeddings: an input over N tokens gets
                                            llama-server's HTTP 500 "input (M tokens) is too
                                            large to process..." body
                                embed_down  /v1/embeddings and /api/embed answer HTTP 500
                                            (a server that is loading) until set false
                                ollama_ctx=N  POST /api/show says context_length N; /api/chat
                                            silently drops the start of a prompt over
                                            options.num_ctx (default 2048) tokens, as
                                            Ollama does, and records "cut": true
                                vllm_len=N  max_model_len N in /v1/models
                                rerank_reverse  /v1/rerank and /rerank score the last
                                            document best, whatever the model
                              Tokens are counted by a fake tokenizer (up to 3 letters, a digit
                              or a sign each: about 1.5 times footnote's estimate on prose),
                              a chat prompt as the sum of its messages plus 4 per message + 3.
  /_requests leaves out GET /props, /lora-adapters, /v1/models, /models and POST /tokenize,
  /api/show (the probes a client makes to learn limits) unless asked with ?all=1.
  GET  /lora-adapters         llama-server's adapter list [{id, path, scale}] from mode
                              lora=[paths]; a chat request's "lora": [{id, scale}] naming an
                              id not loaded gets HTTP 400 "invalid adapter id", as there.
  Anything else: 404 with a JSON error body (OpenAI shape under /v1, {"error": "..."}
  elsewhere); a wrong method on a known path: 405.

Scenarios: chosen by the request's model name (or by the /_script queue)
------------------------------------------------------------------------
Names are split at ":"; "key=value" parts are options. A name that is none of those below
(e.g. "llama3.1", "llama3.1:8b", "my-fine-tune") is the DEFAULT scenario.

  name                          behaviour
  ----------------------------  ---------------------------------------------------------
  <any other name>              default answer. Finds numbered sources in the request
                                messages (a line starting "[n]", "Source [n]" or
                                "<<<SOURCE [n] path:1-3>>>" begins source n, up to the
                                next one or a "Question:" / "<<<END" line; the path and
                                line range are skipped) and answers 2-3 sentences that reuse words of
                                source 1 (and 2), each sentence ending " [1]." / " [2]."
                                With no sources: one generic sentence, no markers.
                                A follow-up rewrite request ("Follow-up question: Q" in
                                its last message) gets Q back as the whole answer.
                                Option ms=N: N ms between deltas (default --token-ms, 1).
  pass                          (queue only) use the model-name rule for this request.
  fixture:<file>                replay <fixtures>/<file> byte for byte (.sse ->
                                text/event-stream, .ndjson -> application/x-ndjson, else
                                application/json), flushed once per event/line.
  fault:<status>                HTTP <status> with an error body: OpenAI shape
                                {"error":{"message","type","param","code"}} on /v1,
                                Ollama shape {"error":"..."} on /api.
  fault:<status>:retry-after=N  ... plus "Retry-After: N" (seconds).
  fault:<status>:retry-after-date[=N]   ... plus Retry-After as an HTTP date N s ahead (2).
  fault:<status>:html           ... with an HTML body (a proxy's error page) instead.
  hang                          reads the request, sends nothing (no headers) until the
                                client goes away.
  stall                         sends 200 + headers, then nothing until the client goes
                                away (bounded by --max-seconds).
  drip[:ms=N]                   default answer, one byte per HTTP chunk, N ms apart
                                (default 1000).
  slow-first[:ms=N]             headers at once, first event after N ms (default 2000),
                                then the default answer.
  tps:N[:tokens:M]              default answer padded with filler words to M deltas
                                (default 2000), paced at about N deltas per second; when
                                the writer falls behind, due events share one write.
  reset                         role + 3 content events, then a TCP reset (SO_LINGER 0
                                close): no finish_reason, no [DONE], no chunked end.
  eof                           role + content events, then a clean chunked end and close,
                                with no finish_reason and no [DONE].
  huge-line[:mb=N]              one data line of N MB (default 6) carrying a valid content
                                delta, then finish and [DONE].
  invalid-json                  role, one content delta "Hello", "data: {not json", [DONE].
  not-utf8                      a content delta whose JSON string holds raw bytes 0xff
                                0xfe ("bad \\xff\\xfe bytes"), then the default answer.
  gzip                          default answer with Content-Encoding: gzip (sent whether
                                or not the client asked; one sync flush per event).
  inband-error:llamacpp         2 content deltas, then an SSE field line
                                'error: {"code":500,"message":...,"type":"server_error"}'
                                (older llama.cpp), then the stream ends without [DONE].
  inband-error:llamacpp-new     2 content deltas, 'data: {"error":{"code":500,...}}', end.
  inband-error:vllm             2 content deltas, 'data: {"error":{"object":"error",
                                "message":...,"type":"BadRequestError","param":null,
                                "code":400}}', then 'data: [DONE]'.
  inband-error:openrouter       2 content deltas, then a chunk with top-level
                                "error":{"code":502,"message":...} and finish_reason
                                "error", then [DONE].  (/api/chat: all inband-error:* give
                                Ollama's '{"error":"..."}' line under HTTP 200.)
  event-error                   2 content deltas, then 'event: error' + 'data: {"error":
                                {...}}', stream ends without [DONE].
  evil                          an answer holding terminal escapes, split into 4-char
                                deltas so escapes straddle deltas: OSC 52 clipboard write
                                (ESC ]52;c;...BEL), OSC 0 title, CSI ESC[2J, C1 U+009B
                                (raw UTF-8 C2 9B on the wire), U+202E bidi override, and
                                "real\\rfake".
  think                         "<think>" + reasoning words + "</think>" in content, then
                                the default answer.
  think-noopen                  the same without the opening "<think>" (a DeepSeek-R1
                                template put it in the prompt): reasoning words, "</think>",
                                then the default answer.
  reasoning[:field=F]           reasoning words in delta.reasoning_content (or delta.F,
                                e.g. field=reasoning), content null; then the answer.
                                (/api/chat: message.thinking.)
  refusal                       content null, text in delta.refusal, finish "stop".
  length                        the default answer cut after max_tokens (or
                                max_completion_tokens; default 5) deltas, finish "length".
  tool-call                     a get_weather tool call in 8 argument fragments, content
                                null, finish "tool_calls".

Embeddings (/v1/embeddings, /api/embed, /api/embeddings). Any model name gives
deterministic unit vectors: each word of the text is hashed (sha256) into a signed
bucket, plus a small whole-text component, then normalised, so equal texts give equal
vectors and texts sharing words have positive cosine similarity.
  embed:dim=N                   dimension N (default 64; dim=N works in any name).
  embed:wrong-dim               the LAST item has dimension N-1.
  embed:shuffled                data items in reverse order, with correct "index" fields.
  embed:500                     HTTP 500 with an error body.
  limit=N                       (any name) input limit in characters: /api/embed default
                                2000; /v1/embeddings has no limit unless given, then an
                                over-long input gets HTTP 400 context_length_exceeded.
Generic names (fault:*, hang, stall, reset, eof, slow-first, invalid-json, fixture:*)
also work on the model lists and the embedding endpoints.
"""

import argparse
import base64
import email.utils
import hashlib
import json
import math
import os
import re
import select
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_EMBED_DIM = 64
DEFAULT_OLLAMA_EMBED_LIMIT = 2000
MODEL_NAMES = ["llama3.1", "my-fine-tune", "nomic-embed-text"]

CONFIG = {
    "fixtures": None,
    "token_ms": 1.0,
    "log": None,
}
STOP = threading.Event()


class State:
    """Script queue and request log, shared by all handler threads (under one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.queue = deque()
        self.requests = []
        self.seq = 0
        self.completion = 0

    def next_scripted(self):
        with self.lock:
            return self.queue.popleft() if self.queue else None

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.requests.append(entry)

    def next_id(self):
        with self.lock:
            self.completion += 1
            return self.completion


STATE = State()
MODE = {}
MODE_LOCK = threading.Lock()
PROBE_PATHS = {"/props", "/tokenize", "/api/show", "/v1/models", "/models", "/lora-adapters"}
FAKE_TOKEN = re.compile(r"[A-Za-z]{1,3}|[0-9]|[^\sA-Za-z0-9]")


def mode(key, default=None):
    with MODE_LOCK:
        return MODE.get(key, default)


def fake_tokens(text):
    return FAKE_TOKEN.findall(text or "")


def chat_prompt_tokens(body):
    msgs = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(msgs, list):
        return 0
    return sum(len(fake_tokens(message_text(m))) + 4 for m in msgs) + 3


def dumps(obj, ensure_ascii=True):
    """Compact JSON, as OpenAI and Ollama send it."""
    return json.dumps(obj, ensure_ascii=ensure_ascii, separators=(",", ":"))


def log(msg):
    """Append one line to the --log file (if any)."""
    path = CONFIG["log"]
    if not path:
        return
    line = "%s %s\n" % (time.strftime("%H:%M:%S"), msg)
    try:
        with open(path, "a", encoding="utf-8", errors="replace") as f:
            f.write(line)
    except OSError:
        pass


# ---------------------------------------------------------------------------------------
# Scenario names

class Scenario:
    """A parsed scenario name: kind (e.g. "default", "fault"), arg, and key=value options."""

    def __init__(self, name):
        self.name = name
        parts = name.split(":")
        self.opts = {}
        self.flags = set()
        self.arg = None
        head = parts[0]
        if head == "fixture":
            self.kind = "fixture"
            self.arg = name[len("fixture:"):]
            return
        for p in parts[1:]:
            if "=" in p:
                k, v = p.split("=", 1)
                self.opts[k] = v
            else:
                self.flags.add(p)
        simple = {"hang", "stall", "drip", "slow-first", "reset", "eof", "huge-line",
                  "invalid-json", "not-utf8", "gzip", "event-error", "evil", "think", "think-noopen",
                  "reasoning", "refusal", "length", "tool-call", "pass"}
        if head == "fault" and len(parts) >= 2 and parts[1].isdigit():
            self.kind = "fault"
            self.arg = int(parts[1])
        elif head == "tps" and len(parts) >= 2 and parts[1].isdigit():
            self.kind = "tps"
            self.arg = int(parts[1])
            self.opts["tokens"] = "2000"
            for i in range(2, len(parts) - 1):
                if parts[i] == "tokens" and parts[i + 1].isdigit():
                    self.opts["tokens"] = parts[i + 1]
        elif head == "inband-error" and len(parts) >= 2:
            self.kind = "inband-error"
            self.arg = parts[1]
        elif head == "embed":
            self.kind = "embed"
        elif head == "rerank":
            self.kind = "rerank"
        elif head in simple:
            self.kind = head
        else:
            self.kind = "default"

    def int_opt(self, key, default):
        try:
            return int(self.opts.get(key, default))
        except ValueError:
            return default

    def __repr__(self):
        return self.name


# ---------------------------------------------------------------------------------------
# The default answer

SOURCE_START = re.compile(r"^[ \t>*-]*(?:<<<\s*)?(?:source\s*)?\[(\d+)\][ \t:.)-]*(.*)$",
                          re.IGNORECASE)
PATHISH = re.compile(r"^\S*(?:[/\\.]\S*|:\d+(?:-\d+)?)\S*$")
SOURCE_END = re.compile(r"^\s*(?:#+\s*)?(?:question|query|user question|q)\s*[:?]|^\s*-{3,}\s*$"
                        r"|^\s*<<<\s*END\b",
                        re.IGNORECASE)
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'_-]*")


def message_text(msg):
    """The text of one chat message: a string, or the text parts of a content list."""
    c = msg.get("content") if isinstance(msg, dict) else None
    if isinstance(c, str):
        return c
    if isinstance(c, list):
        out = []
        for part in c:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                out.append(part["text"])
            elif isinstance(part, str):
                out.append(part)
        return "\n".join(out)
    return ""


def find_sources(text):
    """Map source number -> source text. A line that starts with "[n]" (or "<<<SOURCE [n]",
    "Source [n]") opens source n; it runs to the next such line, or to a "Question:", "Q:",
    "---" or "<<<END" line. The header up to ">>>", or else a leading path-like token
    (notes/a.md:1-3) and a "lines 1-3" note, is skipped."""
    sources = {}
    cur = None
    for line in text.splitlines():
        m = SOURCE_START.match(line)
        if m:
            cur = int(m.group(1))
            rest = m.group(2).strip()
            if ">>>" in rest:  # footnote's "<<<SOURCE [1] path:1-3 (Heading)>>>" header
                rest = rest.split(">>>", 1)[1].strip()
            toks = rest.split(None, 1)
            if toks and PATHISH.match(toks[0]):
                rest = toks[1] if len(toks) > 1 else ""
            # "lines 1-3", "(lines 1-3)" after the path
            rest = re.sub(r"^\(?\s*lines?\s+\d+(?:\s*-\s*\d+)?\s*\)?[:.,]?\s*", "", rest)
            sources.setdefault(cur, [])
            sources[cur] = [rest]
            continue
        if cur is not None and SOURCE_END.match(line):
            cur = None
        if cur is not None:
            sources[cur].append(line)
    return {n: "\n".join(lines) for n, lines in sources.items()}


def request_sources(messages):
    """Sources of the latest message that has any (searching from the last message)."""
    if not isinstance(messages, list):
        return {}
    for msg in reversed(messages):
        s = find_sources(message_text(msg))
        if s:
            return s
    return {}


def words_of(text):
    return WORD.findall(text)


def default_answer(messages):
    """2-3 sentences reusing words of sources 1 and 2 with [n] markers, or a generic line.
    A follow-up rewrite request (footnote's, its last message holding "Follow-up question:
    Q") gets Q back unchanged, so a test's follow-up is searched as typed."""
    if isinstance(messages, list) and messages:
        m = re.search(r"^Follow-up question: (.*)$", message_text(messages[-1]), re.M)
        if m:
            return m.group(1).strip()
        # A checker's request (profiles' verify:): per claim, YES when every word of four or
        # more letters of the claim is in its passage, else NO. Batched ("N.\nPassage: ..\n
        # Claim: ..", answered "N: YES" per line) or MiniCheck's ("Document: ..\nClaim: ..",
        # answered "Yes" or "No").
        last = message_text(messages[-1])
        def holds(passage, claim):
            have = set(re.findall(r"[a-z0-9]+", passage.lower()))
            return all(w in have for w in re.findall(r"[a-z0-9]{4,}", claim.lower()))
        pairs = re.findall(r"^(\d+)\.\nPassage: (.*?)\nClaim: (.*?)$", last, re.M | re.S)
        if pairs:
            return "\n".join("%s: %s" % (n, "YES" if holds(p, c) else "NO") for n, p, c in pairs)
        mc = re.match(r"^Document: (.*)\nClaim: (.*)$", last, re.S)
        if mc:
            return "Yes" if holds(mc.group(1), mc.group(2)) else "No"
        # A judge's request (footnote eval): CORRECT when every word of the reference is in
        # the candidate, else INCORRECT.
        j = re.search(r"^Reference answer: (.*)\nCandidate answer: (.*)$", message_text(messages[-1]),
                      re.M | re.S)
        if j:
            ref = set(re.findall(r"[a-z0-9]+", j.group(1).lower()))
            cand = set(re.findall(r"[a-z0-9]+", j.group(2).lower()))
            return ("CORRECT. The answer states the reference." if ref and ref <= cand
                    else "INCORRECT. The answer misses the reference.")
    src = request_sources(messages)
    w1 = words_of(src.get(1, ""))
    w2 = words_of(src.get(2, ""))
    if not w1 and not w2:
        if src:
            return "The sources given do not say much about this."
        return "This is a general answer from the test model, without sources."
    sentences = []
    if w1:
        sentences.append("According to the notes, " + " ".join(w1[:10]) + " [1].")
    if w2:
        sentences.append("The second source adds that " + " ".join(w2[:10]) + " [2].")
    if len(w1) > 10:
        sentences.append("It also mentions " + " ".join(w1[10:18]) + " [1].")
    elif not w2:
        sentences.append("In short, " + " ".join(w1[:4]) + " [1].")
    return " ".join(sentences)


TOKEN = re.compile(r"\s*\[|\]\S*|\s*[^\s\[\]]+|\s+")


def tokenize(text):
    """Split text into deltas of about a word; "[", the number and "]." are separate."""
    toks = TOKEN.findall(text)
    return [t for t in toks if t]


FILLER = ("the index keeps every chunk with its file and line range so that a citation "
          "can be opened where it came from and checked against the text").split()


def padded_tokens(text, count):
    """The answer's tokens, then filler words (a paragraph break every 60) up to count."""
    toks = tokenize(text)
    i = 0
    while len(toks) < count:
        w = FILLER[i % len(FILLER)]
        toks.append(("\n\n" if i % 60 == 59 else " ") + w)
        i += 1
    return toks[:count]


EVIL_TEXT = ("Here is your answer.\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07 The clipboard "
             "was written.\x1b]0;pwned title\x07 The title was set.\x1b[2J The screen was "
             "cleared. \u009b31mC1 CSI here. \u202eevil.exe\u202c bidi. real\rfake")

THINK_TEXT = "The user asks a question, so I should look at the sources first and cite them."


def approx_tokens(text):
    return max(1, len(text) // 4)


def prompt_text(body):
    msgs = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(msgs, list):
        return ""
    return "\n".join(message_text(m) for m in msgs)


# ---------------------------------------------------------------------------------------
# Embeddings

def embed_text(text, dim):
    """Deterministic unit vector: signed word-hash buckets plus a whole-text component."""
    v = [0.0] * dim
    for w in re.findall(r"\w+", text.lower()):
        h = hashlib.sha256(w.encode("utf-8")).digest()
        idx = int.from_bytes(h[:4], "little") % dim
        v[idx] += 1.0 if h[4] & 1 else -1.0
    h = hashlib.sha256(b"text:" + text.encode("utf-8", "surrogatepass")).digest()
    stream = h
    while len(stream) < dim * 2:
        stream += hashlib.sha256(stream[-32:]).digest()
    for i in range(dim):
        v[i] += (stream[2 * i] - 127.5) / 127.5 * 0.15
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


def embed_inputs(raw):
    """Normalise an embedding input into a list of strings (token arrays become text)."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        if raw and all(isinstance(x, int) for x in raw):
            return [" ".join(str(x) for x in raw)]
        out = []
        for x in raw:
            if isinstance(x, str):
                out.append(x)
            elif isinstance(x, list):
                out.append(" ".join(str(y) for y in x))
            else:
                return None
        return out
    return None


# ---------------------------------------------------------------------------------------
# Error bodies

OPENAI_ERRORS = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided: sk-fake***. You can find your API key at "
          "https://platform.openai.com/account/api-keys.", "invalid_request_error",
          "invalid_api_key"),
    403: ("You are not allowed to use this model.", "invalid_request_error",
          "model_not_allowed"),
    404: ("The model does not exist or you do not have access to it.",
          "invalid_request_error", "model_not_found"),
    408: ("Request timed out.", "timeout", None),
    413: ("Request too large.", "invalid_request_error", "request_too_large"),
    429: ("Rate limit reached for requests. Please try again later.", "requests",
          "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!",
          "server_error", None),
    502: ("Bad gateway.", "server_error", None),
    503: ("The server is overloaded or not ready yet.", "server_error", None),
    504: ("Gateway timeout.", "server_error", None),
}


def openai_error(status, message=None, etype=None, code=None):
    m, t, c = OPENAI_ERRORS.get(status, ("HTTP error %d." % status,
                                         "server_error" if status >= 500
                                         else "invalid_request_error", None))
    return {"error": {"message": message or m, "type": etype or t, "param": None,
                      "code": code if code is not None else c}}


def is_ollama_path(path):
    return path.startswith("/api/")


# ---------------------------------------------------------------------------------------
# The handler

class ClientGone(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakellm/1.0"
    # Real servers (Go's net/http in Ollama, uvicorn in vLLM) send each event at once; with
    # Nagle on, small writes on a kept-alive connection wait for the client's delayed ACK.
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        log("%s %s" % (self.client_address[0], fmt % args))

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    # -- request ----------------------------------------------------------------------

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                data += self.rfile.read(size)
                self.rfile.readline(3)
            return bytes(data)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def dispatch(self):
        self.dead = False
        self.gz = None
        self.chunked = False
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, ClientGone):
            self.close_connection = True
        except OSError:
            self.close_connection = True
        if self.dead:
            self.close_connection = True

    def route(self):
        raw = self.read_body()
        path, _, query = self.path.partition("?")
        method = self.command

        if path.startswith("/_"):
            return self.control(method, path, raw)

        body = None
        body_text = None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                body_text = raw.decode("utf-8", "replace")

        scripted = STATE.next_scripted()
        model = body.get("model") if isinstance(body, dict) else None
        if scripted is not None and scripted != "pass":
            sc = Scenario(scripted)
        else:
            sc = Scenario(model if isinstance(model, str) else "default")

        STATE.record({
            "time": time.time(), "method": method, "path": path, "query": query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body, "body_text": body_text, "scenario": sc.name,
        })
        log("%s %s model=%r scenario=%s" % (method, path, model, sc.name))

        routes = {
            "/v1/chat/completions": ("POST", self.openai_chat),
            "/chat/completions": ("POST", self.openai_chat),
            "/v1/models": ("GET", self.openai_models),
            "/models": ("GET", self.openai_models),
            "/v1/embeddings": ("POST", self.openai_embeddings),
            "/embeddings": ("POST", self.openai_embeddings),
            "/v1/rerank": ("POST", self.rerank),
            "/rerank": ("POST", self.rerank),
            "/api/chat": ("POST", self.ollama_chat),
            "/api/tags": ("GET", self.ollama_tags),
            "/api/embed": ("POST", self.ollama_embed),
            "/api/embeddings": ("POST", self.ollama_embeddings_legacy),
            "/api/version": ("GET", self.ollama_version),
            "/api/show": ("POST", self.ollama_show),
            "/props": ("GET", self.llama_props),
            "/lora-adapters": ("GET", self.llama_lora_adapters),
            "/tokenize": ("POST", self.llama_tokenize),
            "/health": ("GET", self.health),
        }
        r = routes.get(path)
        if r is None:
            return self.not_found(method, path)
        want, fn = r
        if method != want and not (want == "GET" and method == "HEAD"):
            return self.error_json(405, path, "Method %s not allowed for %s." % (method, path),
                                   headers={"Allow": want})
        if self.generic(sc, path):
            return
        if want == "POST" and body is None:
            return self.error_json(400, path, "We could not parse the JSON body of your "
                                   "request.", code="invalid_json")
        return fn(sc, body if body is not None else {})

    # -- control endpoints --------------------------------------------------------------

    def control(self, method, path, raw):
        if path == "/_script" and method == "POST":
            try:
                data = json.loads(raw.decode("utf-8") or "[]")
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                return self.send_json(400, {"error": "bad script: %s" % e})
            if isinstance(data, dict):
                data = data.get("scenarios", [])
            if isinstance(data, str):
                data = [data]
            if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
                return self.send_json(400, {"error": "script must be a list of names"})
            with STATE.lock:
                STATE.queue.extend(data)
                left = list(STATE.queue)
            return self.send_json(200, {"queued": left})
        if path == "/_script" and method == "GET":
            with STATE.lock:
                left = list(STATE.queue)
            return self.send_json(200, {"queued": left})
        if path == "/_requests" and method == "GET":
            with STATE.lock:
                reqs = list(STATE.requests)
            if "all=1" not in (self.path.partition("?")[2] or ""):
                reqs = [r for r in reqs if r["path"] not in PROBE_PATHS]
            return self.send_json(200, reqs)
        if path == "/_mode" and method == "POST":
            try:
                data = json.loads(raw.decode("utf-8") or "{}")
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                return self.send_json(400, {"error": "bad mode: %s" % e})
            if not isinstance(data, dict):
                return self.send_json(400, {"error": "the mode is a JSON object"})
            with MODE_LOCK:
                MODE.update(data)
                cur = dict(MODE)
            return self.send_json(200, cur)
        if path == "/_mode" and method == "GET":
            with MODE_LOCK:
                cur = dict(MODE)
            return self.send_json(200, cur)
        if path == "/_reset" and method == "POST":
            with STATE.lock:
                STATE.queue.clear()
                STATE.requests.clear()
            return self.send_json(200, {"reset": True})
        return self.send_json(404, {"error": "unknown control endpoint %s %s" % (method, path)})

    # -- response helpers ---------------------------------------------------------------

    def send_json(self, status, obj, headers=None, raw=None, ctype="application/json"):
        data = raw if raw is not None else dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def error_json(self, status, path, message=None, code=None, headers=None):
        if is_ollama_path(path):
            msg = message or OPENAI_ERRORS.get(status, ("HTTP error %d" % status,))[0]
            return self.send_json(status, {"error": msg}, headers)
        return self.send_json(status, openai_error(status, message, code=code), headers)

    def not_found(self, method, path):
        if path.startswith("/v1/"):
            return self.send_json(404, openai_error(
                404, "Unknown request URL: %s %s. Please check the URL for typos." %
                (method, path), code="unknown_url"))
        return self.send_json(404, {"error": "404 page not found: %s %s" % (method, path)})

    def start_stream(self, ctype, headers=None, status=200):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()
        self.chunked = True

    def write_chunk(self, data):
        """One HTTP chunk, flushed. With gzip on, data is compressed and sync-flushed."""
        if self.gz is not None:
            data = self.gz.compress(data) + self.gz.flush(zlib.Z_SYNC_FLUSH)
        if not data:
            return
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        self.wfile.flush()

    def end_stream(self):
        if self.gz is not None:
            tail = self.gz.flush(zlib.Z_FINISH)
            self.gz = None
            if tail:
                self.wfile.write(b"%x\r\n" % len(tail) + tail + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def sleep(self, seconds):
        """Sleep, but give up early when the server is stopping."""
        if STOP.wait(seconds):
            raise ClientGone()

    def wait_client_gone(self):
        """Block until the peer closes (or the server stops); reads and drops input."""
        sock = self.connection
        while not STOP.is_set():
            r, _, _ = select.select([sock], [], [], 0.2)
            if r:
                try:
                    data = sock.recv(65536)
                except OSError:
                    break
                if not data:
                    break
        self.close_connection = True
        raise ClientGone()

    def rst(self):
        """Close the connection with a TCP reset (SO_LINGER on, timeout 0)."""
        try:
            self.wfile.flush()
        except OSError:
            pass
        sock = self.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        fd = sock.detach()
        os.close(fd)
        self.dead = True
        self.close_connection = True

    def emit(self, events, sc, default_ms=None):
        """Write a list of byte strings (events) with the pacing the scenario asks for."""
        if sc.kind == "slow-first":
            self.sleep(sc.int_opt("ms", 2000) / 1000.0)
        if sc.kind == "drip":
            delay = sc.int_opt("ms", 1000) / 1000.0
            data = b"".join(events)
            for i in range(len(data)):
                self.write_chunk(data[i:i + 1])
                if i + 1 < len(data):
                    self.sleep(delay)
            return
        if sc.kind == "tps":
            rate = max(1, sc.arg or 1)
            start = time.monotonic()
            i = 0
            n = len(events)
            while i < n:
                now = time.monotonic()
                due = int((now - start) * rate) + 1
                j = max(i + 1, min(n, due))
                self.write_chunk(b"".join(events[i:j]))
                i = j
                if i < n:
                    wait = start + i / rate - time.monotonic()
                    if wait > 0:
                        self.sleep(wait)
            return
        ms = default_ms if default_ms is not None else CONFIG["token_ms"]
        if sc.kind == "default" and "ms" in sc.opts:
            ms = sc.int_opt("ms", 1)
        for k, ev in enumerate(events):
            self.write_chunk(ev)
            if ms > 0 and k + 1 < len(events):
                self.sleep(ms / 1000.0)

    # -- scenarios that apply to every endpoint ----------------------------------------

    def generic(self, sc, path):
        """Handle fault/hang/stall/fixture (and, off the chat paths, reset/eof/...).
        Returns True when the response has been produced."""
        chat = path in ("/v1/chat/completions", "/chat/completions", "/api/chat")
        if sc.kind == "fault":
            return self.fault(sc, path) or True
        if sc.kind == "embed" and "500" in sc.flags and "embed" in path:
            self.error_json(500, path, "embedding model failed to process the batch")
            return True
        if sc.kind == "hang":
            self.wait_client_gone()
        if sc.kind == "stall":
            ctype = ("text/event-stream" if path.endswith("/completions") else
                     "application/x-ndjson" if path == "/api/chat" else "application/json")
            self.start_stream(ctype)
            self.wait_client_gone()
        if sc.kind == "fixture":
            self.fixture(sc, path)
            return True
        if not chat:
            if sc.kind == "slow-first":
                self.sleep(sc.int_opt("ms", 2000) / 1000.0)
                return False
            if sc.kind == "reset":
                self.rst()
                return True
            if sc.kind == "eof":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"object":"list","data":[')
                self.wfile.flush()
                self.close_connection = True
                return True
            if sc.kind == "invalid-json":
                self.send_json(200, None, raw=b"{not json")
                return True
        return False

    def fault(self, sc, path):
        status = sc.arg
        headers = {}
        if "retry-after" in sc.opts:
            headers["Retry-After"] = sc.opts["retry-after"]
        if "retry-after-date" in sc.flags or "retry-after-date" in sc.opts:
            ahead = sc.int_opt("retry-after-date", 2)
            headers["Retry-After"] = email.utils.formatdate(time.time() + ahead, usegmt=True)
        if "html" in sc.flags:
            page = ("<html>\r\n<head><title>%d Error</title></head>\r\n<body>\r\n<center><h1>"
                    "%d Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n"
                    "</html>\r\n" % (status, status)).encode()
            return self.send_json(status, None, headers, raw=page, ctype="text/html")
        return self.error_json(status, path, headers=headers)

    def fixture(self, sc, path):
        name = sc.arg or ""
        fdir = CONFIG["fixtures"]
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return self.error_json(400, path, "bad fixture name %r" % name)
        fpath = os.path.join(fdir or "", name)
        try:
            with open(fpath, "rb") as f:
                data = f.read()
        except OSError as e:
            return self.error_json(404, path, "fixture %s: %s" % (name, e.strerror))
        if name.endswith(".sse"):
            ctype, sep = "text/event-stream", b"\n\n"
        elif name.endswith(".ndjson"):
            ctype, sep = "application/x-ndjson", b"\n"
        else:
            ctype, sep = "application/json", None
        self.start_stream(ctype)
        if sep is None:
            self.write_chunk(data)
        else:
            pos = 0
            while pos < len(data):
                k = data.find(sep, pos)
                end = len(data) if k < 0 else k + len(sep)
                self.write_chunk(data[pos:end])
                pos = end
        self.end_stream()

    # -- OpenAI chat -------------------------------------------------------------------

    def openai_chat(self, sc, body):
        if not isinstance(body.get("model"), str) or not body.get("model"):
            return self.error_json(400, "/v1", "you must provide a model parameter",
                                   code="missing_required_parameter")
        if not isinstance(body.get("messages"), list):
            return self.error_json(400, "/v1", "'messages' is a required property")
        lora = body.get("lora")
        if lora is not None:
            # llama-server's parse_lora_request + construct_lora_list: a list of {id, scale};
            # an id it did not load is "invalid adapter id" (HTTP 400, invalid_request_error).
            loaded = len(mode("lora") or [])
            if not isinstance(lora, list) or any(
                    not isinstance(e, dict) or not isinstance(e.get("id"), int)
                    or not 0 <= e["id"] < loaded for e in lora):
                return self.send_json(400, {"error": {"code": 400, "message": "invalid adapter id",
                                                      "type": "invalid_request_error"}})
        n_ctx = mode("n_ctx")
        if n_ctx:
            n = chat_prompt_tokens(body)
            if n >= n_ctx:
                return self.send_json(400, {"error": {
                    "code": 400,
                    "message": "request (%d tokens) exceeds the available context size (%d "
                               "tokens), try increasing it" % (n, n_ctx),
                    "type": "exceed_context_size_error",
                    "n_prompt_tokens": n, "n_ctx": n_ctx}})
        if body.get("stream") is True:
            return self.openai_stream(sc, body)
        return self.openai_full(sc, body)

    def llama_lora_adapters(self, sc, body):
        """llama-server's GET /lora-adapters: [{id, path, scale}] of the adapters loaded
        with --lora (mode lora=[paths]; none: [])."""
        return self.send_json(200, [{"id": i, "path": p, "scale": 1.0}
                                    for i, p in enumerate(mode("lora") or [])])

    def llama_props(self, sc, body):
        n_ctx = mode("n_ctx")
        if not n_ctx:
            return self.not_found("GET", "/props")
        return self.send_json(200, {
            "default_generation_settings": {"id": 0, "id_task": -1, "n_ctx": n_ctx,
                                            "speculative": False, "is_processing": False,
                                            "params": {"n_predict": -1, "temperature": 0.8}},
            "total_slots": 1, "model_path": "models/fake-2k.gguf",
            "chat_template": "{{ messages }}", "modalities": {"vision": False},
            "build_info": "b10587-fakellm"})

    def llama_tokenize(self, sc, body):
        if not mode("n_ctx") and not mode("vllm_len"):
            return self.not_found("POST", "/tokenize")
        text = body.get("content", body.get("prompt"))
        if not isinstance(text, str):
            return self.send_json(400, {"error": {"code": 400, "message": "\"content\" must be "
                                                  "provided", "type": "invalid_request_error"}})
        ids = [int.from_bytes(hashlib.sha256(t.encode()).digest()[:2], "little")
               for t in fake_tokens(text)]
        out = {"tokens": ids}
        if mode("vllm_len"):
            out.update({"count": len(ids), "max_model_len": mode("vllm_len")})
        return self.send_json(200, out)

    def ollama_show(self, sc, body):
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return self.send_json(400, {"error": "model is required"})
        ctx = mode("ollama_ctx") or 131072
        return self.send_json(200, {
            "modelfile": "FROM /models/%s\n" % model, "parameters": "stop \"<|eot_id|>\"",
            "template": "{{ .Prompt }}",
            "details": {"parent_model": "", "format": "gguf", "family": "llama",
                        "families": ["llama"], "parameter_size": "8.0B",
                        "quantization_level": "Q4_0"},
            "model_info": {"general.architecture": "llama", "general.parameter_count": 8030261248,
                           "llama.context_length": ctx, "llama.embedding_length": 4096,
                           "llama.block_count": 32},
            "capabilities": ["completion"]})

    def answer_text(self, sc, body):
        if sc.kind == "evil":
            return EVIL_TEXT
        return default_answer(body.get("messages"))

    def openai_full(self, sc, body):
        model = body["model"]
        text = self.answer_text(sc, body)
        toks = tokenize(text)
        msg = {"role": "assistant", "content": text, "refusal": None}
        finish = "stop"
        if sc.kind == "think":
            msg["content"] = "<think>" + THINK_TEXT + "</think>\n\n" + text
        elif sc.kind == "think-noopen":
            msg["content"] = THINK_TEXT + "</think>\n\n" + text
        elif sc.kind == "reasoning":
            msg[sc.opts.get("field", "reasoning_content")] = THINK_TEXT
        elif sc.kind == "refusal":
            msg["content"] = None
            msg["refusal"] = "I'm sorry, but I can't assist with that request."
            toks = tokenize(msg["refusal"])
        elif sc.kind == "length":
            n = body.get("max_completion_tokens") or body.get("max_tokens") or 5
            toks = toks[:int(n)]
            msg["content"] = "".join(toks)
            finish = "length"
        elif sc.kind == "tool-call":
            msg["content"] = None
            msg["tool_calls"] = [{"id": "call_fakellm0001", "type": "function", "function": {
                "name": "get_weather", "arguments": '{"city":"New York City"}'}}]
            finish = "tool_calls"
            toks = ["x"] * 8
        elif sc.kind == "tps":
            toks = padded_tokens(text, sc.int_opt("tokens", 2000))
            msg["content"] = "".join(toks)
        elif sc.kind == "huge-line":
            msg["content"] = huge_text(sc)
        elif sc.kind == "eof":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4000")
            self.end_headers()
            self.wfile.write(b'{"id":"chatcmpl-fakellm","object":"chat.completion","choi')
            self.wfile.flush()
            self.close_connection = True
            return
        elif sc.kind == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4000")
            self.end_headers()
            self.wfile.write(b'{"id":"chatcmpl-fakellm","object":"chat.completion","choi')
            return self.rst()
        elif sc.kind == "invalid-json":
            return self.send_json(200, None, raw=b"{not json")
        elif sc.kind in ("inband-error", "event-error"):
            return self.error_json(500, "/v1", "The model failed while generating.")
        pt = approx_tokens(prompt_text(body))
        out = {
            "id": "chatcmpl-fakellm%d" % STATE.next_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fakellm",
            "choices": [{"index": 0, "message": msg, "logprobs": None,
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": pt, "completion_tokens": len(toks),
                      "total_tokens": pt + len(toks)},
        }
        data = dumps(out).encode("utf-8")
        if sc.kind == "slow-first":
            self.sleep(sc.int_opt("ms", 2000) / 1000.0)
        if sc.kind == "gzip":
            data = gzip_bytes(data)
            return self.send_json(200, None, {"Content-Encoding": "gzip"}, raw=data)
        if sc.kind == "not-utf8":
            data = data.replace(b'"content":"', b'"content":"bad \xff\xfe bytes ', 1)
        return self.send_json(200, None, raw=data)

    def openai_stream(self, sc, body):
        model = body["model"]
        cid = "chatcmpl-fakellm%d" % STATE.next_id()
        created = int(time.time())
        include_usage = bool(isinstance(body.get("stream_options"), dict) and
                             body["stream_options"].get("include_usage"))
        ensure_ascii = sc.kind != "evil"

        def chunk(delta, finish=None, extra=None):
            obj = {"id": cid, "object": "chat.completion.chunk", "created": created,
                   "model": model, "system_fingerprint": "fp_fakellm",
                   "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                "finish_reason": finish}]}
            if include_usage:
                obj["usage"] = None
            if extra:
                obj.update(extra)
            return b"data: " + dumps(obj, ensure_ascii=ensure_ascii).encode("utf-8") + b"\n\n"

        done = b"data: [DONE]\n\n"
        text = self.answer_text(sc, body)
        toks = tokenize(text)
        if sc.kind == "evil":
            toks = [text[i:i + 4] for i in range(0, len(text), 4)]
        elif sc.kind == "tps":
            toks = padded_tokens(text, sc.int_opt("tokens", 2000))
        elif sc.kind == "length":
            n = body.get("max_completion_tokens") or body.get("max_tokens") or 5
            toks = toks[:int(n)]

        events = []
        completion = len(toks)
        finish = "stop"
        role = {"role": "assistant", "content": "", "refusal": None}
        k = sc.kind
        if k == "refusal":
            events.append(chunk({"role": "assistant", "content": None, "refusal": ""}))
            rt = tokenize("I'm sorry, but I can't assist with that request.")
            events += [chunk({"refusal": t}) for t in rt]
            completion = len(rt)
        elif k == "tool-call":
            events.append(chunk({"role": "assistant", "content": None, "tool_calls": [{
                "index": 0, "id": "call_fakellm0001", "type": "function",
                "function": {"name": "get_weather", "arguments": ""}}], "refusal": None}))
            for frag in ['{"', 'city', '":"', 'New', ' York', ' City', '"', '}']:
                events.append(chunk({"tool_calls": [{"index": 0, "function": {
                    "arguments": frag}}]}))
            finish = "tool_calls"
            completion = 16
        elif k == "reasoning":
            field = sc.opts.get("field", "reasoning_content")
            events.append(chunk({"role": "assistant", "content": None, field: ""}))
            rt = tokenize(THINK_TEXT)
            events += [chunk({"content": None, field: t}) for t in rt]
            events += [chunk({"content": t, field: None}) for t in toks]
            completion += len(rt)
        elif k == "think":
            events.append(chunk(role))
            rt = ["<think>"] + tokenize(THINK_TEXT) + ["</think>", "\n\n"]
            events += [chunk({"content": t}) for t in rt + toks]
            completion += len(rt)
        elif k == "think-noopen":
            events.append(chunk(role))
            rt = tokenize(THINK_TEXT) + ["</", "think>", "\n\n"]
            events += [chunk({"content": t}) for t in rt + toks]
            completion += len(rt)
        elif k == "huge-line":
            events.append(chunk(role))
            events.append(chunk({"content": huge_text(sc)}))
        elif k == "invalid-json":
            events.append(chunk(role))
            events.append(chunk({"content": "Hello"}))
            events.append(b"data: {not json\n\n")
            events.append(done)
            return self.stream_events(sc, events)
        elif k == "not-utf8":
            events.append(chunk(role))
            bad = chunk({"content": "bad XX bytes "}).replace(b"XX", b"\xff\xfe", 1)
            events.append(bad)
            events += [chunk({"content": t}) for t in toks]
            completion += 1
        elif k == "reset":
            events.append(chunk(role))
            events += [chunk({"content": t}) for t in toks[:3]]
            self.start_stream("text/event-stream")
            self.emit(events, sc)
            return self.rst()
        elif k == "eof":
            events.append(chunk(role))
            events += [chunk({"content": t}) for t in toks[:5]]
            self.start_stream("text/event-stream")
            self.emit(events, sc)
            self.end_stream()
            self.close_connection = True
            return
        elif k in ("inband-error", "event-error"):
            events.append(chunk(role))
            events += [chunk({"content": t}) for t in toks[:2]]
            flavor = sc.arg if k == "inband-error" else "event"
            if flavor == "llamacpp":
                err = {"code": 500, "message": "the model crashed while generating (fakellm)",
                       "type": "server_error"}
                events.append(b"error: " + dumps(err).encode() + b"\n\n")
            elif flavor == "llamacpp-new":
                err = {"error": {"code": 500, "message": "the model crashed while generating "
                                 "(fakellm)", "type": "server_error"}}
                events.append(b"data: " + dumps(err).encode() + b"\n\n")
            elif flavor == "vllm":
                err = {"error": {"object": "error", "message": "This model's maximum context "
                                 "length is 4096 tokens (fakellm).", "type": "BadRequestError",
                                 "param": None, "code": 400}}
                events.append(b"data: " + dumps(err).encode() + b"\n\n")
                events.append(done)
            elif flavor == "openrouter":
                events.append(chunk({"content": ""}, finish="error", extra={
                    "provider": "fakellm", "error": {
                        "code": 502, "message": "Provider disconnected unexpectedly"}}))
                events.append(done)
            else:
                err = {"error": {"message": "The server had an error while processing your "
                                 "request (fakellm).", "type": "server_error", "code": None}}
                events.append(b"event: error\ndata: " + dumps(err).encode() + b"\n\n")
            return self.stream_events(sc, events)
        else:
            events.append(chunk(role))
            events += [chunk({"content": t}) for t in toks]
        if k == "length":
            finish = "length"
        events.append(chunk({}, finish=finish))
        if include_usage:
            pt = approx_tokens(prompt_text(body))
            obj = {"id": cid, "object": "chat.completion.chunk", "created": created,
                   "model": model, "system_fingerprint": "fp_fakellm", "choices": [],
                   "usage": {"prompt_tokens": pt, "completion_tokens": completion,
                             "total_tokens": pt + completion}}
            events.append(b"data: " + dumps(obj).encode() + b"\n\n")
        events.append(done)
        return self.stream_events(sc, events)

    def stream_events(self, sc, events, ctype="text/event-stream"):
        headers = {}
        if sc.kind == "gzip":
            headers["Content-Encoding"] = "gzip"
        self.start_stream(ctype, headers)
        if sc.kind == "gzip":
            self.gz = zlib.compressobj(6, zlib.DEFLATED, 31)
        self.emit(events, sc)
        self.end_stream()

    def openai_models(self, sc, body):
        now = int(time.time())
        names = list(MODEL_NAMES) + ["fixture:" + f for f in fixture_files()]
        items = [{"id": n, "object": "model", "created": now - 86400, "owned_by": "fakellm"}
                 for n in names]
        for it in items:
            if mode("n_ctx"):
                it["meta"] = {"vocab_type": 2, "n_vocab": 128256, "n_ctx_train": 131072,
                              "n_embd": 4096, "n_params": 8030261248, "size": 4920733696}
            if mode("vllm_len"):
                it["max_model_len"] = mode("vllm_len")
        return self.send_json(200, {"object": "list", "data": items})

    def rerank(self, sc, body):
        query = body.get("query")
        tei = "texts" in body
        docs = body.get("texts" if tei else "documents")
        if not isinstance(query, str) or not isinstance(docs, list) or not docs or \
                not all(isinstance(d, str) for d in docs):
            return self.send_json(400, {"error": {"code": 400, "message": "\"query\" must be a "
                                                  "string and \"documents\" a non-empty list of "
                                                  "strings", "type": "invalid_request_error"}})
        qwords = set(w.lower() for w in WORD.findall(query))
        scores = []
        for i, d in enumerate(docs):
            if (sc.kind == "rerank" and "reverse" in sc.flags) or mode("rerank_reverse"):
                scores.append(float(i))
            else:
                dw = set(w.lower() for w in WORD.findall(d))
                scores.append(len(qwords & dw) / float(len(qwords) or 1))
        ranked = sorted(range(len(docs)), key=lambda i: (-scores[i], i))
        if tei:
            return self.send_json(200, [{"index": i, "score": scores[i]} for i in ranked])
        top_n = body.get("top_n")
        if isinstance(top_n, int) and top_n > 0:
            ranked = ranked[:top_n]
        n = sum(approx_tokens(d) for d in docs) + approx_tokens(query)
        return self.send_json(200, {"model": body.get("model") or "fake-reranker", "object": "list",
                                    "usage": {"prompt_tokens": n, "total_tokens": n},
                                    "results": [{"index": i, "relevance_score": scores[i]}
                                                for i in ranked]})

    def openai_embeddings(self, sc, body):
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return self.error_json(400, "/v1", "you must provide a model parameter")
        texts = embed_inputs(body.get("input"))
        if texts is None or not texts:
            return self.error_json(400, "/v1", "'input' must be a string or a non-empty "
                                   "list of strings")
        if mode("embed_down"):
            return self.send_json(500, {"error": {"code": 500, "message": "Loading model",
                                                  "type": "unavailable_error"}})
        ubatch = mode("ubatch")
        for t in texts if ubatch else []:
            n = len(fake_tokens(t))
            if n > ubatch:
                return self.send_json(500, {"error": {
                    "code": 500,
                    "message": "input (%d tokens) is too large to process. increase the "
                               "physical batch size (current batch size: %d)" % (n, ubatch),
                    "type": "server_error"}})
        limit = sc.int_opt("limit", 0)
        if limit and any(len(t) > limit for t in texts):
            return self.error_json(400, "/v1", "This model's maximum context length is %d "
                                   "characters (fakellm)." % limit,
                                   code="context_length_exceeded")
        vecs = self.vectors(sc, texts, body.get("dimensions"))
        fmt = body.get("encoding_format") or "float"
        items = []
        for i, v in enumerate(vecs):
            emb = (base64.b64encode(struct.pack("<%df" % len(v), *v)).decode()
                   if fmt == "base64" else v)
            items.append({"object": "embedding", "index": i, "embedding": emb})
        if sc.kind == "embed" and "shuffled" in sc.flags:
            items.reverse()
        n = sum(approx_tokens(t) for t in texts)
        return self.send_json(200, {"object": "list", "data": items, "model": model,
                                    "usage": {"prompt_tokens": n, "total_tokens": n}})

    def vectors(self, sc, texts, dimensions=None):
        dim = sc.int_opt("dim", 0) or (dimensions if isinstance(dimensions, int) and
                                       dimensions > 0 else DEFAULT_EMBED_DIM)
        vecs = [embed_text(t, dim) for t in texts]
        if sc.kind == "embed" and "wrong-dim" in sc.flags and vecs:
            vecs[-1] = embed_text(texts[-1], max(1, dim - 1))
        return vecs

    # -- Ollama ------------------------------------------------------------------------

    def ollama_chat(self, sc, body):
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return self.send_json(400, {"error": "model is required"})
        msgs = body.get("messages")
        if msgs is not None and not isinstance(msgs, list):
            return self.send_json(400, {"error": "messages must be a list"})
        stream = body.get("stream", True) is not False
        if mode("ollama_ctx") and isinstance(msgs, list):
            num_ctx = (body.get("options") or {}).get("num_ctx") or 2048
            if chat_prompt_tokens(body) > num_ctx:
                # Ollama keeps the end of a prompt that does not fit, without an error.
                whole = "\n".join(message_text(m) for m in msgs)
                toks = FAKE_TOKEN.finditer(whole)
                spans = [m.start() for m in toks]
                keep = whole[spans[max(0, len(spans) - num_ctx)]:] if spans else whole
                body = dict(body, messages=[{"role": "user", "content": keep}])
                with STATE.lock:
                    if STATE.requests:
                        STATE.requests[-1]["cut"] = True
        text = self.answer_text(sc, body)
        toks = tokenize(text)
        if sc.kind == "evil":
            toks = [text[i:i + 4] for i in range(0, len(text), 4)]
        elif sc.kind == "tps":
            toks = padded_tokens(text, sc.int_opt("tokens", 2000))
        elif sc.kind == "length":
            n = (body.get("options") or {}).get("num_predict") or 5
            toks = toks[:int(n)]
        thinking = []
        if sc.kind == "think":
            toks = ["<think>"] + tokenize(THINK_TEXT) + ["</think>", "\n\n"] + toks
        elif sc.kind == "think-noopen":
            toks = tokenize(THINK_TEXT) + ["</", "think>", "\n\n"] + toks
        elif sc.kind == "reasoning":
            thinking = tokenize(THINK_TEXT)
        ensure_ascii = sc.kind != "evil"

        def ts():
            t = time.time()
            return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
                (".%09dZ" % int((t % 1) * 1e9))

        def line(obj):
            return dumps(obj, ensure_ascii=ensure_ascii).encode("utf-8") + b"\n"

        def part(content, think=None):
            msg = {"role": "assistant", "content": content}
            if think is not None:
                msg["thinking"] = think
            return line({"model": model, "created_at": ts(), "message": msg, "done": False})

        pt = approx_tokens(prompt_text(body))
        reason = "length" if sc.kind == "length" else "stop"
        final = {"model": model, "created_at": "",
                 "message": {"role": "assistant", "content": ""},
                 "done_reason": reason, "done": True,
                 "total_duration": 1234567890, "load_duration": 12345678,
                 "prompt_eval_count": pt, "prompt_eval_duration": 23456789,
                 "eval_count": len(toks) + len(thinking), "eval_duration": 987654321}
        if not stream:
            if sc.kind == "slow-first":
                self.sleep(sc.int_opt("ms", 2000) / 1000.0)
            final["created_at"] = ts()
            final["message"]["content"] = "".join(toks)
            if thinking:
                final["message"]["thinking"] = "".join(thinking)
            if sc.kind in ("inband-error", "event-error"):
                return self.send_json(500, {"error": "model runner has unexpectedly stopped"})
            return self.send_json(200, final)
        events = [part("", t) for t in thinking] + [part(t) for t in toks]
        if sc.kind == "reset":
            self.start_stream("application/x-ndjson")
            self.emit(events[:3], sc)
            return self.rst()
        if sc.kind == "eof":
            self.start_stream("application/x-ndjson")
            self.emit(events[:5], sc)
            self.end_stream()
            self.close_connection = True
            return
        if sc.kind in ("inband-error", "event-error"):
            events = events[:2] + [line({"error": "model runner has unexpectedly stopped, "
                                                  "this may be due to resource limitations "
                                                  "(fakellm)"})]
            return self.stream_events(sc, events, "application/x-ndjson")
        if sc.kind == "invalid-json":
            events = events[:1] + [b"{not json\n"]
            return self.stream_events(sc, events, "application/x-ndjson")
        if sc.kind == "huge-line":
            events = [part(huge_text(sc))]
        if sc.kind == "not-utf8":
            events.insert(0, part("bad XX bytes ").replace(b"XX", b"\xff\xfe", 1))
        final["created_at"] = ts()
        events.append(line(final))
        return self.stream_events(sc, events, "application/x-ndjson")

    def ollama_tags(self, sc, body):
        models = []
        for i, n in enumerate(MODEL_NAMES):
            digest = hashlib.sha256(n.encode()).hexdigest()
            fam = "nomic-bert" if "embed" in n else "llama"
            models.append({"name": n + ":latest", "model": n + ":latest",
                           "modified_at": "2024-09-01T12:00:0%d.000000000Z" % i,
                           "size": 4661224676 - i * 1000, "digest": digest,
                           "details": {"parent_model": "", "format": "gguf", "family": fam,
                                       "families": [fam], "parameter_size": "8.0B",
                                       "quantization_level": "Q4_0"}})
        return self.send_json(200, {"models": models})

    def ollama_version(self, sc, body):
        return self.send_json(200, {"version": "0.5.7-fakellm"})

    def health(self, sc, body):
        return self.send_json(200, {"status": "ok"})

    def ollama_embed(self, sc, body):
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return self.send_json(400, {"error": "model is required"})
        texts = embed_inputs(body.get("input"))
        if texts is None:
            return self.send_json(400, {"error": "invalid input type"})
        if mode("embed_down"):
            return self.send_json(500, {"error": "model is loading"})
        limit = sc.int_opt("limit", DEFAULT_OLLAMA_EMBED_LIMIT)
        truncate = body.get("truncate", True) is not False
        if any(len(t) > limit for t in texts):
            if not truncate:
                return self.send_json(400, {"error": "the input length exceeds the context "
                                                     "length"})
            texts = [t[:limit] for t in texts]
        vecs = self.vectors(sc, texts, body.get("dimensions"))
        if sc.kind == "embed" and "shuffled" in sc.flags:
            vecs.reverse()  # Ollama has no index field: shuffled means wrong order
        n = sum(approx_tokens(t) for t in texts)
        return self.send_json(200, {"model": model, "embeddings": vecs,
                                    "total_duration": 14143917, "load_duration": 1019500,
                                    "prompt_eval_count": n})

    def ollama_embeddings_legacy(self, sc, body):
        prompt = body.get("prompt")
        if not isinstance(prompt, str):
            return self.send_json(400, {"error": "prompt must be a string"})
        return self.send_json(200, {"embedding": self.vectors(sc, [prompt])[0]})


def huge_text(sc):
    mb = max(1, sc.int_opt("mb", 6))
    unit = "lorem ipsum dolor sit amet "
    n = mb * 1024 * 1024
    return (unit * (n // len(unit) + 1))[:n]


def gzip_bytes(data):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def fixture_files():
    d = CONFIG["fixtures"]
    try:
        return sorted(f for f in os.listdir(d) if f.endswith((".sse", ".ndjson", ".json")))
    except (OSError, TypeError):
        return []


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        log("handler error from %s: %s" % (client_address, sys.exc_info()[1]))


def default_fixtures():
    # The repository's own copy, so a plain clone (no ../shared) serves them too.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "tests", "data", "stream-fixtures")


def write_port_file(path, port):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".port.", dir=d)
    with os.fdopen(fd, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Loopback fake model server for footnote tests.")
    ap.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    ap.add_argument("--port-file", help="write the chosen port here (atomically)")
    ap.add_argument("--fixtures", default=None, help="directory of recorded streams")
    ap.add_argument("--max-seconds", type=float, default=600.0, help="exit after this long")
    ap.add_argument("--log", default=None, help="append one line per request to this file")
    ap.add_argument("--token-ms", type=float, default=1.0,
                    help="delay between deltas of the default answer, in ms")
    args = ap.parse_args(argv)

    CONFIG["fixtures"] = args.fixtures or default_fixtures()
    CONFIG["token_ms"] = args.token_ms
    CONFIG["log"] = args.log

    srv = Server(("127.0.0.1", args.port), Handler)
    port = srv.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    log("listening on 127.0.0.1:%d fixtures=%s" % (port, CONFIG["fixtures"]))

    def on_signal(signum, frame):
        STOP.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    deadline = time.monotonic() + args.max_seconds
    while not STOP.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            log("max-seconds reached, exiting")
            break
        STOP.wait(min(left, 0.5))
    STOP.set()
    srv.shutdown()
    srv.server_close()
    log("stopped")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
