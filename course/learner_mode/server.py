"""Voilà as the course serves it: ``python -m course.learner_mode.server`` takes Voilà's own options.

Voilà 0.5 builds a new page exporter, and so parses and compiles the page's dozens of Jinja templates again, for
every page: most of the server's time for a page whose kernel is warm. The course keeps the compiled templates
in memory (Jinja's bytecode cache, which checks each template's source, so an edited template is compiled anew),
compiling them as the server starts, so the learner's first page does not wait for them either.

Three answers differ from Voilà 0.5's own, each a handler swapped for a subclass:

- a course page sets the ``_xsrf`` cookie, so the request Voilà's page sends as it is left (to shut its kernel
  down) carries the page's own credentials and is accepted (Voilà never sets that cookie, so the server refused
  it and the kernel lived until the idle cull);
- an address with a stale or missing token gets a page in the course's words saying how to open the course
  again, instead of Jupyter Server's "Password or token" form;
- a malformed or ``..`` path under ``/voila/templates/`` is answered 404 (Voilà's static handler fails it with an
  assertion: HTTP 500 and a traceback in the log). Not yet reported upstream (voila-dashboards/voila).
"""

from __future__ import annotations

import sys

from jinja2 import BytecodeCache, TemplateNotFound, meta
from nbconvert.filters.highlight import Highlight2HTML
from tornado import web
from tornado.ioloop import IOLoop
from voila import notebook_renderer
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.voila_identity_provider import VoilaLoginHandler

__all__ = ["CourseVoila", "main"]


class CoursePageHandler(TornadoVoilaHandler):
    """A course page, with the xsrf cookie its leave request sends back."""

    @web.authenticated
    async def get(self, path=None):
        _ = self.xsrf_token  # reading it sets the cookie
        await super().get(path)


class OpenAgainHandler(VoilaLoginHandler):
    """What a learner sees at an address whose token is stale or missing: how to open the course again."""

    def render_template(self, name, **ns):
        return self.settings["voila_jinja2_env"].get_template(name).render(base_url=self.base_url, **ns)

    def _render(self, message=None):
        self.set_status(401 if message else 403)
        super()._render(message)


class TemplateFileHandler(TemplateStaticFileHandler):
    """Voilà's template files, with any path not of the form ``TEMPLATE/static/FILE`` not found."""

    def parse_url_path(self, path):
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "static" or not parts[0] or ".." in parts or "\\" in path:
            raise web.HTTPError(404)
        return super().parse_url_path(path)


class CompiledTemplates(BytecodeCache):
    """Compiled page templates, kept in memory for the server's life (Jinja checks each against its source)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


class PageExporter(VoilaExporter):
    """Voilà's page exporter, sharing one server-wide cache of compiled templates."""

    compiled = CompiledTemplates()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = self.compiled
        return environment


def compile_page_templates(template_paths: list[str], template_name: str) -> int:
    """Compile the page template and every template it extends, includes or imports into the shared cache;
    how many."""
    exporter = PageExporter(template_paths=template_paths, template_name=template_name)
    # The two filters Voilà adds as it renders a page (templates compile only with every filter they use known).
    exporter.register_filter("highlight_code", Highlight2HTML(parent=exporter))
    exporter.register_filter("trusted", lambda output: output)
    environment, done = exporter.environment, set()
    waiting = [exporter.template.name]
    while waiting:
        name = waiting.pop()
        done.add(name)
        source = environment.loader.get_source(environment, name)[0]
        for used in meta.find_referenced_templates(environment.parse(source)):
            if used and used not in done:
                try:
                    environment.get_template(used)
                except TemplateNotFound:
                    continue  # a name the page only asks for in some cases (Voilà falls back to another)
                waiting.append(used)
    return len(done)


SWAPS = {TornadoVoilaHandler: CoursePageHandler, VoilaLoginHandler: OpenAgainHandler,
         TemplateStaticFileHandler: TemplateFileHandler}


class CourseVoila(Voila):
    """Voilà with the course's handlers in place of the three above, warming a spare kernel from the start."""

    def initialize(self, argv=None):
        notebook_renderer.VoilaExporter = PageExporter  # Voilà has no setting for the exporter it uses
        super().initialize(argv)

    def start(self):
        compile_page_templates(self.template_paths, self.voila_configuration.template)
        # The first spare is for pages in the served folder itself (a page's folder, relative to it, is "").
        IOLoop.current().add_callback(lambda: self.kernel_manager.fill_spares(
            (self.kernel_manager.default_kernel_name, "")))
        super().start()

    def init_handlers(self):
        return [(pattern, SWAPS.get(handler, handler), *rest) for pattern, handler, *rest in super().init_handlers()]


def main(argv: list[str] | None = None) -> None:
    CourseVoila.launch_instance(argv)


if __name__ == "__main__":
    sys.exit(main())
