"""Reading YAML that people write (profiles, portal maps) without surprises.

Every plain scalar stays text (``No``, ``On`` or ``010`` are a label or a postal code, not a
boolean or a number) except null; anchors and aliases are refused as the reader meets them,
before any node is shared (a ten-line "billion laughs" file would otherwise expand to billions
of values in the checks that walk the data), and so is nesting deeper than any such file
needs (it would exhaust Python's recursion limit). Errors keep the position, so each file's
own checks can name the line.

The files shipped with the package (the choice lists, the portal map) are read at every start:
:meth:`TextLoader.read_shipped` reads them with libyaml, ten times faster, resolving the same
way; tests check that both readers give the same nodes and data for them.
"""

from __future__ import annotations

from typing import ClassVar

import yaml


class YamlRefused(yaml.YAMLError):
    """YAML the reader refuses before building anything from it; ``fix`` says what to do."""

    def __init__(self, message: str, fix: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.message, self.fix, self.mark = message, fix, mark


class TextLoader(yaml.SafeLoader):
    """SafeLoader resolving only null; subclasses say how to word the refusals."""

    anchor_fix: ClassVar[str] = "write each value out in full; YAML anchors (&) and aliases (*) are not used"
    max_depth: ClassVar[int] = 32
    depth_fix: ClassVar[str] = "check the indentation and brackets"

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    @classmethod
    def read(cls, text: str) -> tuple[yaml.Node | None, object]:
        """The document's node (for line numbers) and its data; YamlRefused or YAMLError."""
        loader = cls(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        finally:
            loader.dispose()

    @classmethod
    def read_shipped(cls, text: str) -> tuple[yaml.Node | None, object]:
        """Like :meth:`read`, for a file shipped with the package (trusted, read at every start):
        with libyaml when PyYAML has it. Any error is worded by :meth:`read` (its messages and
        refusals), so a slip in a shipped file reads as it always did."""
        if _ShippedLoader is None:
            return cls.read(text)
        loader = _ShippedLoader(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
        return cls.read(text)

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(f"uses the YAML alias *{event.anchor}", self.anchor_fix, event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise YamlRefused(f"defines the YAML anchor &{event.anchor}", self.anchor_fix, event.start_mark)
        if self._depth >= self.max_depth:
            raise YamlRefused(f"nests values more than {self.max_depth} levels deep", self.depth_fix, event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_ShippedLoader: type[yaml.CSafeLoader] | None = None
if yaml.__with_libyaml__:  # the C extension is optional in PyYAML

    class _LibyamlTextLoader(yaml.CSafeLoader):
        """libyaml's SafeLoader resolving only null, as TextLoader does."""

    _LibyamlTextLoader.yaml_implicit_resolvers = TextLoader.yaml_implicit_resolvers
    _ShippedLoader = _LibyamlTextLoader
