"""Live reload: pages reload when a spec or the workspace file changes on disk, and the server
itself reads the changed workspace (no stale catalog).

`stamp` fingerprints the workspace folder's `*.yaml` files and the workspace file (names,
mtimes, sizes). `/api/changes?since=STAMP` is a Server-Sent Events stream that polls it every
POLL_S in the event loop (the stat calls in a worker thread) and sends one `change` event, then
ends, once it differs from `since` (the stamp the page was rendered with, so a change between
the page and the stream is not missed). The `LiveReload` middleware re-opens the workspace when
its file changed and adds the small script that listens to the stream to every HTML page.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ..errors import SpecError
from ..workspace import open_workspace

POLL_S = 1.0
STREAM_S = 30.0  # a stream ends after this; the browser's EventSource reconnects with the same `since`
log = logging.getLogger("reportbuilder.serve")

SCRIPT = """<script>(function () {
  if (!window.EventSource) return;
  var since = %s;
  function watch() {
    var source = new EventSource('/api/changes?since=' + encodeURIComponent(since));
    source.addEventListener('change', function (e) {
      source.close();
      if (window.rbOnChange) { since = e.data; window.rbOnChange(); watch(); } else { location.reload(); }
    });
  }
  watch();
})();</script>
"""


def stamp(workspace_file: Path | None) -> str:
    """A fingerprint of the workspace folder's specs and the workspace file ("none" without one)."""
    if workspace_file is None:
        return "none"
    files = sorted(set(workspace_file.parent.glob("*.yaml")) | {workspace_file})
    parts = []
    for path in files:
        try:
            info = path.stat()
        except OSError:  # removed meanwhile: its absence is the change
            continue
        parts.append(f"{path.name}\0{info.st_mtime_ns}\0{info.st_size}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:20]


def _file_stamp(path: Path) -> tuple | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class WorkspaceFreshness:
    """Re-opens the server's workspace when its file changed; a broken edit keeps the last good one
    (and is logged), so a half-saved file does not take the app down."""

    def __init__(self, server):
        self.server = server
        path = server.ws.path
        self._seen = _file_stamp(path) if path is not None else None

    def refresh(self) -> None:
        path = self.server.ws.path
        if path is None:
            return
        now = _file_stamp(path)
        if now == self._seen:
            return
        self._seen = now
        try:
            self.server.ws = open_workspace(path)
        except SpecError as exc:
            log.warning("the workspace file changed but cannot be read; still serving the last good one: %s", exc)


class LiveReload:
    """ASGI middleware: refresh the workspace before each request, add the reload script to HTML pages."""

    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.freshness = WorkspaceFreshness(server)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.freshness.refresh()
        start, chunks = {}, []

        async def send_with_script(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if headers.get(b"content-type", b"").startswith(b"text/html"):
                    start.update(message)
                    return
                return await send(message)
            if message["type"] != "http.response.body" or not start:
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            script = (SCRIPT % json.dumps(stamp(self.server.ws.path))).encode("utf-8")
            at = body.rfind(b"</body>")
            body = body[:at] + script + body[at:] if at >= 0 else body + script
            headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode("ascii")))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_with_script)


async def changes(server, request: Request) -> Response:
    """GET /api/changes?since=STAMP: an event stream; one `change` event (its data: the new stamp) when
    the files differ from `since` (default: as they are now)."""
    from .auth import Unauthorized, user_of_request

    try:
        user_of_request(request, server.ws.access, server.sessions)
    except Unauthorized:
        return JSONResponse({"error": "unauthorized"}, 401, headers={"WWW-Authenticate": "Bearer"})
    path = server.ws.path
    since = request.query_params.get("since") or await anyio.to_thread.run_sync(stamp, path)

    async def events():
        yield f"retry: {int(POLL_S * 2000)}\n\n"
        waited = 0.0
        while waited < STREAM_S:
            current = await anyio.to_thread.run_sync(stamp, path)
            if current != since:
                yield f"event: change\ndata: {current}\n\n"
                return
            await anyio.sleep(POLL_S)
            waited += POLL_S
            yield ": waiting\n\n"  # a comment: keeps proxies from closing the idle stream

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
