"""The tool's key pair for tests that run without the hub, and its key set served where the hub would serve it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from course.grading.lms.lti.registration import key_id, make_key, public_jwks, read_key


class ToolKeySet:
    """A tool key made by the course's own make_key, its JWKS at /hub/lti13/jwks on 127.0.0.1."""

    def __init__(self, folder: Path):
        self.key_file = folder / "tool-key.pem"
        make_key(self.key_file)
        self.key = read_key(self.key_file)
        self.kid = key_id(self.key)
        body = json.dumps(public_jwks(self.key, self.kid)).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                found = self.path == "/hub/lti13/jwks"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body if found else b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
