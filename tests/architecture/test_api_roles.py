"""Every API operation declares who may call it, with the role sets of its app's
permissions module, as pages do with `roles_required` (issue 14: a token acts as its role,
never beyond it). Read from the operations themselves, so a new endpoint cannot skip it."""

from __future__ import annotations

import ast
import inspect
import textwrap

from erp.api.site import api


def _operations():
    for _, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield path, operation


def _first_statement(function) -> ast.stmt:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body[0]


def _is_role_check(statement: ast.stmt) -> bool:
    call = getattr(statement, "value", None)
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "roles"
        and len(call.args) == 2
    )


def test_every_operation_checks_the_tokens_role_first():
    unchecked = [
        f"{'/'.join(operation.methods)} {path}"
        for path, operation in _operations()
        if not _is_role_check(_first_statement(operation.view_func))
    ]
    assert unchecked == [], "start these operations with roles(request, <permissions set>)"


def test_every_operation_needs_a_token():
    schema = api.get_openapi_schema(path_prefix="")
    public = [
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if not operation.get("security")
    ]
    assert public == []
