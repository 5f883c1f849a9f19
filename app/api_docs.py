"""The API documentation at /schema: Swagger UI from the installed `swagger-ui-py` package,
on our own origin, started by our own script.

Litestar's render plugins load their viewers from public CDNs with inline scripts: blank
offline, refused by our Content-Security-Policy, and third-party code on the origin of /pro.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import FromPath
from litestar.response import File

from app.headers import STATIC_CACHE
from app.i18n import gettext_for, request_language

SWAGGER_UI = Path(str(resources.files("swagger_ui") / "static"))
# What the page loads, with its type (nosniff: a browser runs or applies nothing untyped); the
# package's other files (its editor, demo pages) are not served.
SWAGGER_UI_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}


@get("/swagger-ui/{name:str}", cache_control=STATIC_CACHE, sync_to_thread=False)
def swagger_ui_file(name: FromPath[str]) -> File:
    media_type = SWAGGER_UI_FILES.get(name)
    if media_type is None:
        raise NotFoundException()
    return File(SWAGGER_UI / name, media_type=media_type, content_disposition_type="inline")


class SwaggerUiPage(OpenAPIRenderPlugin):
    """/schema itself: a page that loads only same-origin files; the schema is read from
    /schema/openapi.json by app/static/api-docs.js."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        lang = request_language(request)
        template = request.app.template_engine.get_template("api/schema.html")  # type: ignore[union-attr]
        html: str = template.render(
            _=gettext_for(lang),
            lang=lang,
            title=openapi_schema["info"]["title"],
            schema_url=self.get_openapi_json_route(request),
        )
        return html.encode()

    def receive_router(self, router: Router) -> None:
        router.register(swagger_ui_file)
