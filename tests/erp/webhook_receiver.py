"""A real HTTP receiver for webhook tests: http.server on a free loopback port, in a thread.

It records every request (path, headers, body) and answers with the statuses it is given in
turn (the last one repeats); `hang` makes it hold requests open until released."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses: list[int] | None = None, *, hang: bool = False):
        self.statuses = list(statuses or [200])
        self.requests: list[dict] = []
        self.hanging = threading.Event()  # set while a request is being held open
        self._release = threading.Event()
        if not hang:
            self._release.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                if not receiver._release.is_set():
                    receiver.hanging.set()
                    receiver._release.wait(timeout=60)
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender is gone (a killed worker)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def release(self) -> None:
        """Answer held requests and every later one at once."""
        self._release.set()

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


def run_queued(sent_tasks: list[tuple[str, list]]) -> list[str]:
    """Run what the outbox handed to the (recorded) broker, and what those tasks queue in
    turn, as a worker would; returns the task names run, in order."""
    from erp.celery import app

    ran = []
    while sent_tasks:
        name, args = sent_tasks.pop(0)
        app.tasks[name](*args)
        ran.append(name)
    return ran
