"""Print which cnnedu module imports which, and flag any import that runs upward.

The package has three layers: math (``cnnedu.*``), plotting (``cnnedu.plotting``) and
widgets (``cnnedu.widgets``); exercises sit beside them. A module may import its own
layer and the layers below it, never one above. Run it from the repository root::

    python scripts/import_map.py            # the listing
    python scripts/import_map.py --check    # exit 1 if an import runs upward
"""

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cnnedu"

# Layer rank: a module may import modules of its own rank or lower.
RANKS = {"math": 0, "plotting": 1, "exercises": 1, "widgets": 2}


def layer(module):
    """Return the layer a dotted module name belongs to."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("plotting", "widgets", "exercises"):
        return parts[1]
    return "math"


def module_name(path):
    """Return the dotted name of a file under the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """Return the sorted cnnedu modules a file imports (at any depth of the code)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("cnnedu"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("cnnedu"):
                found.add(target)
    found.discard(name)
    return sorted(found)


def import_map():
    """Return ``{module: [imported cnnedu modules]}`` for every module of the package."""
    return {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def upward_imports(mapping):
    """Return ``(importer, imported)`` pairs where a lower layer imports a higher one."""
    return [
        (importer, imported)
        for importer, targets in mapping.items()
        for imported in targets
        if RANKS[layer(imported)] > RANKS[layer(importer)] and not imported.startswith(importer)
    ]


def main(argv):
    mapping = import_map()
    upward = upward_imports(mapping)
    if "--check" not in argv:
        for importer, targets in mapping.items():
            short = [target.removeprefix("cnnedu.") for target in targets]
            print(f"{importer:42} [{layer(importer)}] -> {', '.join(short) or '-'}")
        print(f"\n{len(mapping)} modules, {sum(map(len, mapping.values()))} imports, {len(upward)} upward")
    for importer, imported in upward:
        print(f"upward import: {importer} imports {imported}")
    return 1 if upward else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
