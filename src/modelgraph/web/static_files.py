"""Static files, some kept gzip-compressed: `NAME.gz` answers a request for `NAME`.

The vendored YASGUI bundle is 1 MB of JavaScript and 0.25 MB gzipped; it ships compressed (a
smaller wheel) and goes out compressed to every browser that accepts gzip (all of them), with
`Content-Encoding: gzip`. A client that does not accept gzip gets it decompressed here.
"""

from __future__ import annotations

import gzip
import mimetypes
import stat

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

GZIP_SUFFIX = ".gz"


class PrecompressedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as missing:
            if missing.status_code != 404 or path.endswith(GZIP_SUFFIX):
                raise
            compressed, found = self.lookup_path(path + GZIP_SUFFIX)
            if not found or not stat.S_ISREG(found.st_mode):
                raise
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        headers = Headers(scope=scope)
        if "gzip" not in headers.get("accept-encoding", "").lower():
            with gzip.open(compressed, "rb") as handle:
                return Response(handle.read(), media_type=media_type,
                                headers={"Vary": "Accept-Encoding"})
        response = FileResponse(compressed, stat_result=found, media_type=media_type,
                                headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        if self.is_not_modified(response.headers, headers):
            return Response(status_code=304, headers={
                k: v for k, v in response.headers.items() if k in ("etag", "vary")})
        return response


__all__ = ["GZIP_SUFFIX", "PrecompressedStaticFiles"]
