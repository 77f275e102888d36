"""The web front end: the Gradio chat at ``/`` and ``/embed/``, the JSON API, the document viewer at
``/doc/{doc_id}``, the maintainer page at ``/admin``; :func:`create_app` builds it all (``ui.py`` runs it).

Modules: ``app`` (wiring), ``api`` (public JSON routes), ``admin_page`` (maintainer page and feedback
routes; the document routes are :mod:`qa.admin`), ``pages`` and ``chat`` (Gradio), ``render`` (answer HTML),
``answers`` (what the API adds to an answer), ``helpful`` (the "not found" help), ``documents`` and ``viewer``
(one announcement whole), ``models`` (OpenAPI shapes), ``security`` (middleware), ``labels`` (Korean and
English words), ``static/`` (CSS and scripts), ``data/not_found.json`` (the reasons in plain words).
"""

from __future__ import annotations

import os

# Before gradio is imported: no telemetry, no hub look-ups (nothing may reach the internet at run time).
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from .app import create_app, load_assistant  # noqa: E402

__all__ = ["create_app", "load_assistant"]
