"""An S3 server of the test's own: moto's server (``moto[server]``) on 127.0.0.1 and a free
port, in a thread of the test process, with one empty bucket; stopped when the block ends.

:func:`s3_server` yields an :class:`S3Server`; :meth:`S3Server.environ` is the environment
that points the pipeline's data dir there (``AI_NUMBERS_DATA_DIR=s3://<bucket>/<prefix>``,
``AI_NUMBERS_STORAGE_OPTIONS`` with the endpoint, dummy AWS credentials, which moto accepts).
"""
from __future__ import annotations

import json
import logging
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Credentials moto accepts (any); never real ones.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class S3Server:
    """A running moto S3 server: ``endpoint`` (``http://127.0.0.1:<port>``), ``bucket``."""

    endpoint: str
    bucket: str

    def url(self, prefix: str = "data") -> str:
        """``s3://<bucket>/<prefix>``."""
        return f"s3://{self.bucket}/{prefix}"

    def environ(self, prefix: str = "data") -> dict[str, str]:
        """Environment variables that put the data dir at :meth:`url` on this server."""
        return {**CREDENTIALS, "AI_NUMBERS_DATA_DIR": self.url(prefix),
                "AI_NUMBERS_STORAGE_OPTIONS": json.dumps({"endpoint_url": self.endpoint})}

    def filesystem(self):
        """A fresh ``s3fs.S3FileSystem`` on this server (no instance cache)."""
        import s3fs

        return s3fs.S3FileSystem(endpoint_url=self.endpoint, key=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                 secret=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                 skip_instance_cache=True, use_listings_cache=False)

    def download(self, prefix: str, target: Path) -> Path:
        """Copy every object under ``<bucket>/<prefix>`` into the folder ``target`` (read
        in one concurrent batch); returns ``target``."""
        fs = self.filesystem()
        root = f"{self.bucket}/{prefix}"
        for key, body in fs.cat(fs.find(root)).items():
            dest = target / Path(key).relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(body)
        return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """Start moto's S3 server on loopback with an empty bucket (``ai-numbers-<random>``:
    moto keeps its buckets in the process, shared by every server it starts); stop it
    afterwards."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        s3 = S3Server(endpoint=f"http://127.0.0.1:{port}",
                      bucket=f"ai-numbers-{uuid.uuid4().hex[:12]}")
        s3.filesystem().mkdir(s3.bucket)
        yield s3
    finally:
        server.stop()
