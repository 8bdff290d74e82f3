"""Thin Telegram handlers: they translate between Telegram updates and the core in ``bot``.

Registration order matters within a group: partner and coordinator conversations first,
so a partner mid-``/update`` is not answered as a resident; the catch-all button handler
last.
"""

from __future__ import annotations

import importlib

from telegram.ext import Application

from handlers import residents

#: Optional modules with a ``register(application)`` function, registered before residents'.
_STAFF_MODULES = ("handlers.partners", "handlers.review", "handlers.coordinators")


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    for name in _STAFF_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(application)
    residents.register(application)
    residents.register_fallbacks(application)
