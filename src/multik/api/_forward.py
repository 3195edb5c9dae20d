"""``@forward``: the body that most K functions share, written once.

Most K functions do one thing: call the method of the same name on the active backend's
adapter with their arguments, or, when an argument is symbolic, build a graph node that calls
the K function again when the graph runs. A family module declares such a function with its
Keras signature and docstring only, decorated with ``@forward``; the decorator compiles the
body for that signature:

    def sum(x, axis, keepdims):
        try:
            return (_context() or _config.default_adapter or _resolve()).sum(x, axis, keepdims)
        except SymbolicInput:
            return _symbolic(sum, x, axis, keepdims)

The adapter is found inline (a context-variable read, else the process-wide adapter) rather
than through ``config.active_adapter()``: every K call pays for it, and one Python call less
is a fifth of the overhead budget of a K call on a small tensor. The generated source is
registered with ``linecache`` so that tracebacks through a K function show it.
"""

from __future__ import annotations

import inspect
import linecache
import types
from collections.abc import Callable
from typing import Any, TypeVar

from multik import config
from multik.errors import SymbolicInput
from multik.symbolic import call as symbolic_call

F = TypeVar("F", bound=Callable[..., Any])

_TEMPLATE = """\
def make(_context, _config, _resolve, SymbolicInput, _symbolic):
    def body({params}):
        try:
            return (_context() or _config.default_adapter or _resolve()).{name}({params})
        except SymbolicInput:
            return _symbolic({name}, {params})
    return body
"""

#: The attribute that names the adapter method a forwarding K function calls.
FORWARDS_TO = "_multik_forwards_to"


def forward(declaration: F) -> F:
    """The K function ``declaration`` declares (signature, defaults, annotations, docstring),
    forwarding its arguments to the active adapter's method of the same name."""
    name = declaration.__name__
    parameters = inspect.signature(declaration).parameters.values()
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in parameters):
        raise TypeError(f"@forward takes plain positional-or-keyword parameters; {name} has more")
    source = _TEMPLATE.format(name=name, params=", ".join(p.name for p in parameters))
    filename = f"<multik K.{name}>"
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), namespace)
    made = namespace["make"](
        config.context_adapter, config, config.resolve_default_adapter, SymbolicInput, symbolic_call
    )
    # Rebuilt on the declaring module's globals: the body's self-reference (``sum`` above, a
    # global name) is the module's K function, and annotations resolve in the module.
    code = made.__code__.replace(co_name=name, co_qualname=declaration.__qualname__)
    function = types.FunctionType(
        code, declaration.__globals__, name, declaration.__defaults__, made.__closure__
    )
    function.__kwdefaults__ = declaration.__kwdefaults__
    function.__doc__ = declaration.__doc__
    function.__module__ = declaration.__module__
    function.__qualname__ = declaration.__qualname__
    function.__annotations__ = declaration.__annotations__
    setattr(function, FORWARDS_TO, name)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return function  # type: ignore[return-value]
