"""Loading a scenario: YAML files in, a validated Scenario (or a ScenarioError) out.

Reading YAML without YAML 1.1's surprises (``read_yaml``), the built-in scenarios and
resolving a name or a path to a file, the ``extends:`` chain merged into one mapping,
validating a mapping with errors that name the file that set each faulty key
(``scenario_from_dict``), and the content hash that names a results folder. Apart from
the schema (``_schema``) so that what a scenario is and where it comes from can be read,
and changed, on their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..core import MISSING, ScenarioError, not_a_mapping, problems
from ._schema import Scenario, key_path
from ._variants import has_key_path, load_layers, merge_layers

MAX_FILE_CHARS = 1_000_000
# What a YAML file may expand to once its aliases (*name) are followed: the largest shipped
# scenario is a few thousand values and 12 levels deep, so these leave room and stop an
# alias bomb (a few hundred bytes naming each other's anchors) before any object is built.
MAX_NODES = 200_000
MAX_DEPTH = 64

_PATH_FIRST = re.compile(r"^((?:[A-Za-z_]\w*|\[\d+\])(?:\.[A-Za-z_]\w*|\[\d+\])*): (.+)$", re.S)


def _path_parts(path: str) -> tuple[Any, ...]:
    """'programs.crt.shifts[0].units' -> ('programs', 'crt', 'shifts', 0, 'units')."""
    parts: list[Any] = []
    for token in re.findall(r"[A-Za-z_]\w*|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def _problems(
    err: ValidationError, attribute: Callable[[tuple], str]
) -> list[tuple[str, str, str]]:
    out = []
    for loc, why in problems(err, Scenario):
        # A check across keys (a model validator) names its key path first: use it.
        m = _PATH_FIRST.match(why)
        if m:
            loc, why = (*loc, *_path_parts(m.group(1))), m.group(2)
        # A missing key is the fault of the file that wrote the mapping lacking it.
        owner = loc[:-1] if why == MISSING else loc
        out.append((attribute(owner), key_path(loc), why))
    return out


def scenario_from_dict(
    data: Any,
    source: str = "<dict>",
    default_name: str = "scenario",
    attribute: Callable[[tuple], str] | None = None,
) -> Scenario:
    """Validate a mapping into a Scenario; raise ScenarioError naming source and key paths.
    ``attribute`` maps an error's key path to the file that set it (for ``extends:``)."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", not_a_mapping(data))])
    data = dict(data)
    data.setdefault("name", default_name)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(source, _problems(err, attribute or (lambda _loc: source))) from None
    except RecursionError:
        raise ScenarioError(source, [("", "nested too deeply")]) from None


class YamlTooLargeError(yaml.YAMLError):
    """A document that would expand beyond MAX_NODES values or MAX_DEPTH levels."""


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is followed, and check its depth;
    each node is counted once by identity (aliases reuse the anchored node), so this is
    quick however large the expansion would be."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise YamlTooLargeError(f"nested more than {MAX_DEPTH} levels deep")
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > MAX_NODES:
            raise YamlTooLargeError(
                f"expands to more than {MAX_NODES:,} values (aliases such as *name repeat "
                "what they point to; write the values out or use fewer aliases)"
            )
        sizes[id(node)] = total
        return total

    return size(root, 0)


class _Loader(yaml.SafeLoader):
    """The safe loader without YAML 1.1's surprises: base-60 integers (``end: 17:00``
    stays a time, not 1020), octal (``010`` is 10), yes/no/on/off as booleans (only
    true/false are), and a key given twice in one mapping is an error, not a silent
    overwrite of the first. A document is measured (values once aliases are followed,
    nesting) before anything is built from it, so an alias bomb is refused, not expanded."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Stop nesting past MAX_DEPTH as it is read, not after thousands of levels."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlTooLargeError(f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _expanded_size(node)
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor` (keys given beside it win, as YAML says)
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_REPLACED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:bool")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?(?:0|[0-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$", re.X),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_int(loader: Any, node: Any) -> int:
    """Integers as people write them: 010 is ten (not octal eight); 0x10, 0b11, 1_000."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    if digits[:2].lower() in ("0x", "0b"):
        return int(sign + digits, 0)
    return int(sign + digits, 10)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; errors name the file and the line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [("", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), [("", f"cannot read: {err}")]) from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, source: str) -> Any:
    """YAML text read as ``read_yaml`` reads a file (size, aliases and depth bounded before
    anything is built, dates, YAML 1.1 surprises); errors name ``source``."""
    path = source
    if len(text) > MAX_FILE_CHARS:
        raise ScenarioError(str(path), [("", f"file is larger than {MAX_FILE_CHARS:,} characters")])
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ScenarioError(str(path), [("", "not valid YAML: nested too deeply")]) from None
    except YamlTooLargeError as err:
        raise ScenarioError(str(path), [("", f"not accepted: the YAML {err}")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError(str(path), [(where, f"not valid YAML: {problem}")]) from None
    except (ValueError, OverflowError) as err:  # a value YAML reads but cannot build
        raise ScenarioError(
            str(path),
            [
                (
                    "",
                    f"a value cannot be read ({str(err)[:120]}): a date that does not exist "
                    "(2024-02-30) or a number out of range; write dates as YYYY-MM-DD days "
                    "that exist",
                )
            ],
        ) from None


def builtin_dir() -> Path:
    """Folder of the shipped scenarios (inside the wheel, or the source checkout)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_scenarios"
    return packaged if packaged.is_dir() else here.parent / "scenarios"


def builtin_scenarios() -> dict[str, Path]:
    folder = builtin_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def resolve_path(name_or_path: str | Path) -> Path:
    """A path to a file, or the name of a built-in scenario."""
    p = Path(name_or_path)
    if p.is_file() or p.suffix in (".yaml", ".yml"):
        return p
    builtin = builtin_scenarios()
    if str(name_or_path) in builtin:
        return builtin[str(name_or_path)]
    raise ScenarioError(
        str(name_or_path),
        [("", f"no such file, nor a built-in scenario (built-in: {', '.join(builtin) or 'none'})")],
    )


# Shipped files that are not scenarios, each kind in its own folder beside them.
SHIPPED_KINDS = {"options": "an options file", "targets": "a targets file"}


def builtin_files(kind: str) -> dict[str, Path]:
    """The shipped files of one kind (``options``, ``targets``), by stem."""
    folder = builtin_dir() / kind
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def resolve_file(name_or_path: str | Path, kind: str) -> Path:
    """A path to a file, or the name of a shipped file of ``kind`` (``durham_fy26`` for
    scenarios/options/durham_fy26.yaml), as scenarios are named."""
    p = Path(name_or_path)
    if p.is_file() or p.suffix in (".yaml", ".yml") or p.parent != Path("."):
        return p
    shipped = builtin_files(kind)
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    raise ScenarioError(
        str(name_or_path),
        [
            (
                "",
                f"no such file, nor a shipped {kind} file (shipped: "
                f"{', '.join(shipped) or 'none'})",
            )
        ],
    )


def load_layers_of(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The file and each file it extends, most derived first, as read."""
    return load_layers(path, read_yaml, builtin_scenarios())


def load_scenario_dict(name_or_path: str | Path) -> tuple[Path, dict[str, Any], Callable]:
    """The merged mapping of a scenario file and its ``extends:`` chain, unvalidated, with
    the function that attributes a key path to the file that set it."""
    path = resolve_path(name_or_path)
    layers = load_layers(path, read_yaml, builtin_scenarios())
    merged = merge_layers(layers)

    def attribute(loc: tuple) -> str:
        if tuple(loc[:1]) == ("name",) and "name" not in layers[0][1]:
            return str(path)  # no name: given, so the file's own name is used
        for layer_path, data in layers:
            if has_key_path(data, loc, merged):
                return str(layer_path)
        return str(path)

    return path, merged, attribute


def scenario_sources(name_or_path: str | Path) -> dict[str, str]:
    """The text of a scenario file and of each file it extends, comments included, named
    ``<depth>_<file name>`` (0 = the file itself)."""
    path = resolve_path(name_or_path)
    layers = load_layers(path, read_yaml, builtin_scenarios())
    return {f"{i}_{p.name}": p.read_text(encoding="utf-8") for i, (p, _) in enumerate(layers)}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario file (or a built-in scenario by name)."""
    path, data, attribute = load_scenario_dict(name_or_path)
    return scenario_from_dict(data, source=str(path), default_name=path.stem, attribute=attribute)


def scenario_hash(scenario: Scenario) -> str:
    """Content hash of the resolved scenario (what actually runs)."""
    # The unknowns' ranges do not change what runs, so editing them keeps the results.
    text = scenario.model_dump_json(exclude={"calibration"})
    return hashlib.sha256(text.encode()).hexdigest()[:16]
