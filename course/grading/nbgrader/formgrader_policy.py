"""A Content Security Policy for the formgrader's pages: nothing they show may load script or send data elsewhere.

The formgrader is a Jupyter server extension whose pages (nbgrader's templates) rely on inline script and
inline ``onclick`` handlers, built per page, so a policy with ``script-src 'self'`` alone, nonces or hashes
would break them. The primary defence is that nothing a student wrote reaches a page as markup
(``student_text.StudentText``, and the id and name rule in ``identity``). This policy is the second line: script
only from the server itself (no script, frame, form or beacon to any other address), no plugins, no ``<base>``
to re-point links, images only from the server or inline data. It is set only on ``/formgrader`` addresses, so
JupyterLab and learners' pages keep the server's own policy.

Enable it wherever the formgrader runs: ``jpserver_extensions`` ``{"course.grading.nbgrader.formgrader_policy":
true}`` (a wheel installs it in ``etc/jupyter/jupyter_server_config.d``; ``make`` copies it there for an editable
checkout; ``hub/course_hub.py`` sets it for the graders' service).
"""

from __future__ import annotations

from tornado.web import OutputTransform

__all__ = ["POLICY", "FormgraderPolicy"]

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


class FormgraderPolicy(OutputTransform):
    """Adds ``POLICY`` to every response under ``/formgrader`` (pages, their data and static files)."""

    def __init__(self, request):
        super().__init__(request)
        self.formgrader = "/formgrader" in request.path

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self.formgrader:
            headers["Content-Security-Policy"] = POLICY
        return status_code, headers, chunk


def _jupyter_server_extension_points():
    return [{"module": "course.grading.nbgrader.formgrader_policy"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.web_app.add_transform(FormgraderPolicy)
    serverapp.log.info("course: the formgrader's pages carry a Content Security Policy")
