"""aiogram's pydantic models: built when first used, not all at import; and built once.

aiogram declares its ~400 types ``defer_build=True``, then calls ``model_rebuild`` on each
at import to resolve their forward references, which builds every validator anyway: about
100 MB of RSS for types this bot never meets. While ``aiogram.types`` is imported, and only
then, ``model_rebuild`` just keeps the namespace it was given; when a type is built the
first time it is used, aiogram's base classes hand pydantic that one namespace (the
names were once copied into each of aiogram's 627 type and method modules instead: 8 MB
of every instance's memory). The RSS figures are in ``bench/results/intake_throughput.txt``
and ``bench/results/idle_memory.txt``.

Built once: aiogram reads every Bot API answer through ``Response[<result type>]``, made
afresh per call; pydantic caches such models only weakly, so after each garbage collection
the next call builds ``Response[Message]`` again (45 ms here, a latency spike per
collection). ``keep_response_models`` keeps them.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger(__name__)


def defer_telegram_types() -> None:
    """Call before anything imports aiogram; later it can no longer help, and does nothing."""
    if "aiogram.types" in sys.modules:
        return
    from pydantic import BaseModel

    original = BaseModel.__dict__.get("model_rebuild")
    if not isinstance(original, classmethod):  # a pydantic we do not know: leave it alone
        return
    namespace: dict[str, Any] = {}

    def keep_namespace(cls: Any, *, force: bool = False, raise_errors: bool = True,
                       _parent_namespace_depth: int = 2,
                       _types_namespace: Any = None) -> bool | None:
        if _types_namespace is not None and not force and not cls.__pydantic_complete__:
            namespace.update(_types_namespace)
            return None
        return original.__func__(cls, force=force, raise_errors=raise_errors,
                                 _parent_namespace_depth=_parent_namespace_depth + 1,
                                 _types_namespace=_types_namespace)

    BaseModel.model_rebuild = classmethod(keep_namespace)  # type: ignore[assignment]
    try:
        import aiogram.methods  # noqa: F401  (imports aiogram.types)
    except Exception:  # pragma: no cover - the ordinary import later will say why
        log.exception("deferred import of aiogram's types failed")
        return
    finally:
        # Puts back the classmethod descriptor itself, which mypy cannot express.
        BaseModel.model_rebuild = original  # type: ignore[method-assign, assignment]
    from aiogram.methods.base import Response, TelegramMethod
    from aiogram.types.base import TelegramObject

    def with_namespace(cls: Any, *, force: bool = False, raise_errors: bool = True,
                       _parent_namespace_depth: int = 2,
                       _types_namespace: Any = None) -> bool | None:
        return original.__func__(cls, force=force, raise_errors=raise_errors,
                                 _parent_namespace_depth=_parent_namespace_depth + 1,
                                 _types_namespace=(namespace if _types_namespace is None
                                                   else _types_namespace))

    for base in (TelegramObject, TelegramMethod, Response):
        base.model_rebuild = classmethod(with_namespace)  # type: ignore[assignment, method-assign]


def keep_response_models() -> None:
    from aiogram.methods.base import Response
    from pydantic import BaseModel

    parametrise = BaseModel.__dict__.get("__class_getitem__")
    if not isinstance(parametrise, classmethod) or "__class_getitem__" in Response.__dict__:
        return  # not the pydantic this was written for, or done already
    made: dict[Any, type] = {}

    def kept(cls: type, params: Any) -> Any:
        if cls is not Response:
            return parametrise.__get__(None, cls)(params)
        try:
            return made[params]
        except KeyError:
            made[params] = model = parametrise.__get__(None, cls)(params)
            return model
        except TypeError:  # unhashable parameters: not cached
            return parametrise.__get__(None, cls)(params)

    Response.__class_getitem__ = classmethod(kept)  # type: ignore[assignment]
