import ast
from pathlib import Path

import pytest

import recruiter
from recruiter import audit


def test_an_unknown_action_is_refused_and_nothing_stored(db):
    with pytest.raises(ValueError, match="loggin"):
        audit.record(db, "loggin", 1)
    assert db.table("audit_log").count == 0
    audit.record(db, "login", 1)
    assert [e["action"] for e in audit.recent(db)] == ["login"]


def _actions_in_calls():
    """Every string that can reach audit.record's action in recruiter/: the literal
    argument, or the literals of the expression assigned to the name passed."""
    found = {}
    for path in Path(recruiter.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        assigned = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name):
                assigned[node.targets[0].id] = node.value
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "record" and getattr(node.func.value, "id", "") == "audit":
                action = node.args[1]
                if isinstance(action, ast.Name):
                    action = assigned[action.id]
                for value in _values(action):
                    found.setdefault(value, path.name)
    return found


def _values(node):
    """The strings an expression can give: a literal, or either side of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body) | _values(node.orelse)
    raise AssertionError(f"cannot read the audit action {ast.dump(node)}")


def test_every_action_the_code_logs_is_known():
    found = _actions_in_calls()
    assert len(found) >= 20  # the scan sees the call sites
    unknown = {action: where for action, where in found.items()
               if action not in audit.AUDIT_ACTIONS}
    assert not unknown
    # And the list holds nothing that no call logs.
    assert audit.AUDIT_ACTIONS <= set(found)
