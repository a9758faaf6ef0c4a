"""Peak memory of the heaviest hostile cases, each in its own capped process.

Run: .venv/bin/python -m tests.hostile.measure_memory
Prints, for a 1 GB gzip bomb served over HTTP and a 5 MB article, the exit code, the
peak resident memory and the wall time; the limits the tests assert are 200 MB for the
bomb and 500 MB for the article.
"""

from __future__ import annotations

import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.hostile.corpus import ARTICLES
from tests.hostile.test_network import _run_measured


def _bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    return b"".join([compressor.compress(zeros) for _ in range(1024)] + [compressor.flush()])


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hangs up once the cap is reached


def main() -> None:
    bomb = _bomb()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)

        def log_message(self, *args: object) -> None:
            pass

    server = _Quiet(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = Path(tempfile.mkdtemp())
    name, data = ARTICLES["5 MB article"]()
    (folder / name).write_bytes(data)
    cases = [
        (f"gzip bomb, 1 GB decoded from {len(bomb) // 1024} KB",
         ["ingest", f"http://127.0.0.1:{server.server_address[1]}/bomb", "--db", str(folder / "a.db")]),
        ("claims of a 5 MB article", ["claims", str(folder / name), "--json"]),
        ("ingest --no-match of a 5 MB article", ["ingest", str(folder / name), "--no-match", "--db", str(folder / "b.db")]),
    ]
    for label, argv in cases:
        started = time.perf_counter()
        code, _err, peak = _run_measured(*argv)
        print(f"{label}: exit {code}, peak RSS {peak / 2**20:.0f} MB, {time.perf_counter() - started:.1f} s")
    server.shutdown()


if __name__ == "__main__":
    main()
