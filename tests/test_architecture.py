"""The code's shape, checked: imports go one way and never in a cycle, migrations stand alone
and run in file order, and the application's state reaches endpoints and services in one way.

The directions themselves are import-linter contracts in pyproject.toml (``lint-imports``
prints the same report); the rest is read here from the source.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "leadpecker"
VERSIONS = PACKAGE / "migrations" / "versions"


def test_imports_keep_the_contracts_of_pyproject(capsys) -> None:
    passed = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert passed == 0, capsys.readouterr().out


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The import cycles between modules (strongly connected groups of more than one),
    function-level imports included: those are imports too, only later."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm; the graph is a few hundred modules
        index[module] = lowest[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in on_stack:
                lowest[module] = min(lowest[module], index[imported])
        if lowest[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others() -> None:
    assert _cycles(grimp.build_graph("leadpecker", cache_dir=None)) == []


def _imported_modules(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _revision_files() -> list[Path]:
    return sorted(VERSIONS.glob("*.py"))


def test_migrations_depend_on_no_live_code() -> None:
    """A migration does the same on every database whatever the code becomes: what it needs
    of leadpecker is copied into it, frozen (see migration 0002 and 0006)."""
    importing = {}
    for path in _revision_files():
        modules = sorted(
            name for name in _imported_modules(ast.parse(path.read_text())) if name.startswith("leadpecker")
        )
        if modules:
            importing[path.name] = modules
    assert importing == {}


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"no {name} =")


def test_migrations_run_in_file_order() -> None:
    """Each file revises the one before it by name, and names its own revision: reading the
    folder in order is reading the migrations in the order they run."""
    previous = None
    for path in _revision_files():
        tree = ast.parse(path.read_text())
        revision, down_revision = _assigned(tree, "revision"), _assigned(tree, "down_revision")
        assert down_revision == previous, (
            f"{path.name} revises {down_revision}, the file before is {previous}"
        )
        assert re.fullmatch(rf"\d{{4}}_\d\d_\d\d_\d{{4}}_{revision}_\w+\.py", path.name), path.name
        previous = revision


def test_the_newest_frozen_search_sql_is_what_the_code_renders() -> None:
    """Migration 0002 runs its own copy of the search triggers' SQL; a first load rebuilds them
    from the code's (search/upkeep.py). The two must be the same, or a database loaded
    afresh would differ from a migrated one: a change of the document layout needs a new
    migration with its own copy (the .sql files beside it), and this test then reads that one."""
    from leadpecker.search.dialects.postgresql import PostgresqlSearch
    from leadpecker.search.dialects.sqlite import SqliteSearch

    newest = [path for path in _revision_files() if path.with_suffix(".sqlite.sql").exists()][-1]
    spec = importlib.util.spec_from_file_location(f"migration_{newest.stem}", newest)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for dialect, rendered in (("postgresql", PostgresqlSearch()), ("sqlite", SqliteSearch())):
        assert migration.frozen_statements(dialect, "upgrade") == rendered.install_statements(), dialect
        assert migration.frozen_statements(dialect, "downgrade") == rendered.uninstall_statements(), dialect


def _python_files() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text())


def test_only_the_wiring_reads_the_application_state() -> None:
    """app.py fills ``app.state``; endpoints receive what it holds as dependencies
    (http/dependencies.py, and a feature's own objects from its dependencies.py), so that
    each says in its signature what it uses."""
    readers = {
        str(path.relative_to(PACKAGE))
        for path, tree in _python_files()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "state"
        and ast.unparse(node.value).endswith("app")
    }
    assert readers == {"app.py", "http/dependencies.py", "search/dependencies.py"}


def test_a_service_opens_its_transaction_or_joins_the_callers() -> None:
    """A service function given the ``Database`` opens its own transaction; one given a
    connection (``AsyncConnection``, ``SqlConnection``; or a repository, which holds one) works
    in the caller's. None takes
    both, so its signature says which it does."""
    mixed = []
    for path, tree in _python_files():
        if path.name != "service.py":
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            kinds = {ast.unparse(argument.annotation) for argument in arguments if argument.annotation}
            opens = any(kind == "Database" for kind in kinds)
            joins = any(kind.endswith(("Connection", "Repository")) for kind in kinds)
            if opens and joins:
                mixed.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert mixed == []


# The names SQLAlchemy gives the databases (a URL's backend, a connection dialect's name).
_BACKENDS = {"sqlite", "postgresql", "postgres"}
# Where a database's name may decide what the code does: the dialects that map it to their
# implementation (kit/dialects/), the search's SQL dialects, and the migrations (frozen copies).
_MAY_NAME_A_DATABASE = ("kit/dialects/", "search/dialects/", "migrations/")


def _names_a_backend(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in _BACKENDS
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_backend(element) for element in node.elts)
    return False


def _decides_by_database_name(node: ast.AST) -> bool:
    """``… == "sqlite"`` (or ``in ("postgresql", …)``), ``….dialect.name``,
    ``url.get_backend_name()``, ``{"sqlite": …}``."""
    if isinstance(node, ast.Compare):
        return any(_names_a_backend(side) for side in (node.left, *node.comparators))
    if isinstance(node, ast.Attribute):
        if node.attr == "name" and ast.unparse(node.value).split(".")[-1] == "dialect":
            return True
        return node.attr in ("get_backend_name", "is_sqlite", "is_postgresql")
    if isinstance(node, ast.Dict):
        return any(key is not None and _names_a_backend(key) for key in node.keys)
    return False


def test_only_the_dialects_branch_on_the_database() -> None:
    """What differs between SQLite and PostgreSQL is a dialect's method (kit/dialects/):
    no other module compares a database's name, so that adding a database, or changing how
    one does a thing, is done in one place."""
    found = []
    for path, tree in _python_files():
        where = str(path.relative_to(PACKAGE))
        if where.startswith(_MAY_NAME_A_DATABASE):
            continue
        found += [f"{where}:{node.lineno}" for node in ast.walk(tree) if _decides_by_database_name(node)]
    assert found == []


def test_the_database_dialects_import_nothing_of_leadpecker() -> None:
    """The settings check the database URL with the dialects (kit/dialects/), which therefore
    stand below everything else of leadpecker (pyproject.toml's one ignored import)."""
    importing = {
        str(path.relative_to(PACKAGE)): module
        for path, tree in _python_files()
        if str(path.relative_to(PACKAGE)).startswith("kit/dialects/")
        for module in _imported_modules(tree)
        if module.startswith("leadpecker") and not module.startswith("leadpecker.kit.dialects")
    }
    assert importing == {}


def test_the_entry_points_tune_their_processes() -> None:
    """Process tuning (the allocator, the garbage collector) is done once, at start-up, by what
    starts a long-lived process: ``serve`` (and each of its ``--workers``' processes, app.py),
    ``leadpecker worker`` and ``leadpecker webhooks dispatch`` — never by the objects those
    processes run."""
    calls: dict[str, set[str]] = {}
    for path, tree in _python_files():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func).split(".")[-1]
                if name in ("tune_process", "keep_freed_memory", "freeze"):
                    calls.setdefault(name, set()).add(str(path.relative_to(PACKAGE)))
    assert calls == {
        "tune_process": {"serve.py", "app.py", "worker.py", "webhooks/cli.py"},
        "keep_freed_memory": {"kit/process.py"},
        "freeze": {"kit/process.py"},
    }
