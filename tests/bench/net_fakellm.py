#!/usr/bin/env python3
"""net_fakellm.py - tests/server/fakellm.py for the benches: the same server, same arguments,
with TCP_NODELAY on every connection.

Real model servers send each event at once (Go's net/http, as in Ollama, and asyncio servers
such as uvicorn, as in vLLM, set TCP_NODELAY). fakellm.py leaves Nagle's algorithm on, so on a
kept-alive connection its small writes wait for the client's delayed ACK: 40 ms stalls that
would swamp a first-token figure measured in milliseconds."""
import importlib.util
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
path = os.path.join(root, "tests", "server", "fakellm.py")
spec = importlib.util.spec_from_file_location("fakellm", path)
fakellm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fakellm)
fakellm.Handler.disable_nagle_algorithm = True
fakellm.main(sys.argv[1:])
