"""The language of admin-editable message templates: Jinja, narrowed to what a message needs, with bounded output.

Jinja's sandbox keeps a template away from Python's internals but not from the CPU or memory: nested loops over
`range()`, `"x" * 10**9`, `{% set s = s ~ s %}` thirty times, `|center(10**9)` or an `{% include %}` (a 500: there
is no loader) all pass it (security review, finding 7). So a template may only print placeholders (with a few
filters that cannot grow a text), test them with `{% if %}` and walk the lists it is given with `{% for %}`, two
deep at most; its output stops at MAX_OUTPUT characters. Every message the product sends fits in that language.
"""
from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT = 100_000  # characters of one rendered subject, body or SMS text
MAX_LOOP_DEPTH = 2  # a list inside a list (payments of invoices) is the deepest a message goes

# Filters whose result is never much longer than their input (no width, count or repetition argument).
FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join", "last", "length",
    "list", "lower", "round", "string", "striptags", "sum", "title", "trim", "truncate", "upper"})
TESTS = frozenset({
    "defined", "divisibleby", "eq", "equalto", "even", "false", "ge", "gt", "in", "le", "lt", "ne", "none", "number",
    "odd", "sameas", "sequence", "string", "true", "undefined"})
_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem,
          nodes.If, nodes.For, nodes.Filter, nodes.Test, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
          nodes.Neg, nodes.Pos, nodes.CondExpr, nodes.Concat, nodes.Add, nodes.Sub, nodes.Keyword)
ALLOWED = "placeholders, {% if %} and {% for %} over the lists a message is given"


class TemplateTooLong(TemplateError):
    """The rendered text went past MAX_OUTPUT."""


class NotInMessages(TemplateError):
    """A construct outside the message template language."""


def environment() -> SandboxedEnvironment:
    """Plain text, so no HTML escaping; missing placeholders are errors, not blanks."""
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


def _name(node: nodes.Node) -> str:
    """How an admin wrote the construct: `{% include %}`, `* (multiplication)`, `|center`, `range()`."""
    if isinstance(node, nodes.Filter):
        return f"the filter |{node.name}"
    if isinstance(node, nodes.Test):
        return f"the test 'is {node.name}'"
    if isinstance(node, nodes.Call):
        return "calling a function or method (e.g. range())"
    if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
        return "{% set %}"
    statements = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
                  nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Block: "block",
                  nodes.FilterBlock: "filter", nodes.With: "with"}
    for kind, word in statements.items():
        if isinstance(node, kind):
            return "{% " + word + " %}"
    operators = {nodes.Mul: "*", nodes.Pow: "**", nodes.Mod: "%", nodes.Div: "/", nodes.FloorDiv: "//"}
    for kind, sign in operators.items():
        if isinstance(node, kind):
            return f"the operator {sign}"
    return node.__class__.__name__


def check(tree: nodes.Template, sample: dict[str, Any] | None = None) -> None:
    """Raise NotInMessages naming the first construct outside the language (`sample`: the values it is given)."""
    _walk(tree, sample or {}, depth=0)


def _walk(node: nodes.Node, sample: dict[str, Any], depth: int) -> None:
    if not isinstance(node, _NODES) or (isinstance(node, nodes.Filter) and node.name not in FILTERS) or (
            isinstance(node, nodes.Test) and node.name not in TESTS):
        raise NotInMessages(f"{_name(node)} is not available in message templates; use {ALLOWED}")
    if isinstance(node, nodes.For):
        if node.recursive or not _is_placeholder(node.iter):
            raise NotInMessages(f"{{% for %}} goes over a list given to the message; use {ALLOWED}")
        if isinstance(node.iter, nodes.Name) and isinstance(sample.get(node.iter.name), str):
            raise NotInMessages(f"{{% for %}} goes over a list, and {node.iter.name} is a text")
        if depth + 1 > MAX_LOOP_DEPTH:
            raise NotInMessages(f"{{% for %}} loops go {MAX_LOOP_DEPTH} deep at most")
        for child in node.iter_child_nodes(exclude=("body", "else_")):
            _walk(child, sample, depth)
        for child in (*node.body, *node.else_):
            _walk(child, sample, depth + 1)
        return
    for child in node.iter_child_nodes():
        _walk(child, sample, depth)


def _is_placeholder(node: nodes.Node) -> bool:
    """`payments`, `invoice.lines`, `p.items` — a name or a path into one, nothing computed."""
    while isinstance(node, nodes.Getattr):
        node = node.node
    return isinstance(node, nodes.Name)


def render(template: Template, variables: dict[str, Any]) -> str:
    """Render, stopping with TemplateTooLong as soon as the text passes MAX_OUTPUT characters."""
    parts, length = [], 0
    for chunk in template.generate(variables):
        length += len(chunk)
        if length > MAX_OUTPUT:
            raise TemplateTooLong(f"the message would be longer than {MAX_OUTPUT:,} characters")
        parts.append(chunk)
    return "".join(parts)
