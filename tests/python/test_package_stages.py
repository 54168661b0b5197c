"""The training package reads as its pipeline: each stage imports only the stages before it,
and no module imports itself back through others (README, "How it fits together")."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "training" / "twinscore"
# The shared formats first, then the stages in the order data flows through them.
ORDER = ["prompt", "record_template", "records", "dataset", "model", "export", "card"]


def modules() -> dict[str, set[str]]:
    """Each module of the package (dotted, under twinscore) and the package modules it imports."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts)
        package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
        imports = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = list(package[: len(package) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                for alias in node.names:
                    candidate = ".".join(target + [alias.name])
                    imports.add(candidate if (PACKAGE / Path(*target, alias.name)).with_suffix(".py").exists() else ".".join(target))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("twinscore."):
                imports.add(node.module.removeprefix("twinscore."))
        out[name] = {i for i in imports if i}
    return out


def stage(module: str) -> int:
    return ORDER.index(module.split(".")[0])


def test_every_module_belongs_to_a_stage_and_imports_no_later_one():
    for name, imports in modules().items():
        if name in ("__init__",):
            continue
        for target in imports:
            assert stage(target) <= stage(name), f"{name} imports {target}, a later stage"


def test_no_module_imports_itself_back():
    graph = modules()

    def reach(start: str, seen: set[str]) -> set[str]:
        for nxt in graph.get(start, ()):
            if nxt not in seen:
                seen.add(nxt)
                reach(nxt, seen)
        return seen

    for name in graph:
        assert name not in reach(name, set()), f"{name} imports itself back"
