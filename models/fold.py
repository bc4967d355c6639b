"""Exact rewrites of a convolutional ONNX graph that ONNX Runtime does not make.

The PP-OCR models (PP-LCNetV3 backbones, exported by paddle2onnx) spell out
every step of a block as its own elementwise node: a learnable scale and bias
after each convolution, hard-swish as add/clip/multiply/divide, and another
scale and bias after it. On a CPU those nodes cost nearly as much as the
convolutions (they walk the whole feature map each, and each forces a layout
change around the convolution). Rewritten once, in memory, when the session
is built:

1. ``Conv -> Mul(a) -> Add(b)`` with scalars: the convolution's weights
   times ``a``, its bias ``a * bias + b``.
2. ``x * clip(x + 3, 0, 6) / 6``: one ``HardSwish`` node (opset 14), which
   ONNX Runtime fuses into the convolution before it.
3. ``HardSwish -> Mul(c) -> Add(d) -> Conv`` where the convolution is 1x1
   with no padding: its weights times ``c``, its bias plus ``d`` times each
   filter's sum. (Before a padded convolution the bias would differ at the
   borders, so that scale and bias stay.)

Each is exact up to float rounding; the outputs agree to about 1e-6.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

OPSET = 14  # HardSwish


def fold_graph(source: bytes) -> bytes:
    """The serialised model ``source`` with the rewrites above applied; unchanged
    (and logged) where its opset cannot be raised to 14, since the rewrites are
    only for speed."""
    import onnx
    from onnx import version_converter

    model = onnx.load_from_string(source)
    if _opset(model) < OPSET:
        try:
            model = version_converter.convert_version(model, OPSET)
        except Exception as exc:  # noqa: BLE001 - any converter failure: run it as shipped
            log.warning("model left unfolded: no opset %d copy (%s)", OPSET, exc)
            return source
    _Folder(model.graph).run()
    return model.SerializeToString()


def _opset(model) -> int:  # noqa: ANN001 - onnx.ModelProto
    return max((op.version for op in model.opset_import if op.domain in ("", "ai.onnx")), default=0)


class _Folder:
    """One pass of each rewrite over a graph's nodes, by index."""

    def __init__(self, graph) -> None:  # noqa: ANN001 - onnx.GraphProto
        from onnx import numpy_helper

        self.graph, self.nodes = graph, list(graph.node)
        self.values: dict[str, np.ndarray] = {
            i.name: numpy_helper.to_array(i) for i in graph.initializer
        }
        for node in self.nodes:
            if node.op_type == "Constant" and node.attribute[0].name == "value":
                self.values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.outputs = {o.name for o in graph.output}
        self.dead: set[int] = set()
        self.users: dict[str, list[int]] = {}

    def run(self) -> None:
        self._index()
        for k, node in enumerate(self.nodes):
            if node.op_type == "Conv" and node.input[1] in self.values:
                self._scale_into(k)
        self._index()
        for k, node in enumerate(self.nodes):
            if node.op_type == "Add" and k not in self.dead:
                self._hard_swish(k)
        self._index()
        for k, node in enumerate(self.nodes):
            if node.op_type == "HardSwish":
                self._scale_into_next(k)
        self._prune()

    # --- the rewrites ------------------------------------------------------------------

    def _scale_into(self, k: int) -> None:
        conv = self.nodes[k]
        found = self._scaled(k)
        if found is None:
            return
        a, b, mul, add = found
        weight, bias = self._weights(conv)
        self._set_weights(conv, weight * a, bias * a + b)
        conv.output[0] = self.nodes[add].output[0]
        self.dead.update((mul, add))

    def _hard_swish(self, k: int) -> None:
        from onnx import helper

        add = self.nodes[k]
        three = [self._scalar(i) for i in add.input]
        if three.count(None) != 1 or 3.0 not in three:
            return
        x = add.input[three.index(None)]
        clip = self._only_user(add.output[0], "Clip")
        if clip is None or [self._scalar(i) for i in self.nodes[clip].input[1:]] != [0.0, 6.0]:
            return
        mul = self._only_user(self.nodes[clip].output[0], "Mul")
        if mul is None or set(self.nodes[mul].input) != {x, self.nodes[clip].output[0]}:
            return
        div = self._only_user(self.nodes[mul].output[0], "Div")
        if div is None or self._scalar(self.nodes[div].input[1]) != 6.0:
            return
        out = self.nodes[div].output[0]
        self.nodes[div] = helper.make_node("HardSwish", [x], [out], name=f"{out}/hardswish")
        self.dead.update((k, clip, mul))

    def _scale_into_next(self, k: int) -> None:
        found = self._scaled(k)
        if found is None:
            return
        c, d, mul, add = found
        nxt = self._only_user(self.nodes[add].output[0], "Conv")
        if nxt is None or self.nodes[nxt].input[0] != self.nodes[add].output[0]:
            return
        conv = self.nodes[nxt]
        if conv.input[1] not in self.values:
            return
        weight, bias = self._weights(conv)
        if not self._pointwise(conv, weight):
            return
        self._set_weights(conv, weight * c, bias + d * weight.sum(axis=(1, 2, 3)))
        conv.input[0] = self.nodes[k].output[0]
        self.dead.update((mul, add))

    # --- helpers -----------------------------------------------------------------------

    def _index(self) -> None:
        self.users = {}
        for k, node in enumerate(self.nodes):
            if k not in self.dead:
                for name in node.input:
                    self.users.setdefault(name, []).append(k)

    def _scalar(self, name: str) -> float | None:
        value = self.values.get(name)
        return float(value.ravel()[0]) if value is not None and value.size == 1 else None

    def _only_user(self, name: str, op: str) -> int | None:
        users = self.users.get(name, [])
        if len(users) == 1 and name not in self.outputs and self.nodes[users[0]].op_type == op:
            return users[0]
        return None

    def _scaled(self, k: int) -> tuple[float, float, int, int] | None:
        """``Mul`` by a scalar then ``Add`` of a scalar on node k's output, its only use."""
        out = self.nodes[k].output[0]
        mul = self._only_user(out, "Mul")
        if mul is None:
            return None
        scale = [self._scalar(i) for i in self.nodes[mul].input if i != out]
        product = self.nodes[mul].output[0]
        add = self._only_user(product, "Add")
        if len(scale) != 1 or scale[0] is None or add is None:
            return None
        shift = [self._scalar(i) for i in self.nodes[add].input if i != product]
        if len(shift) != 1 or shift[0] is None:
            return None
        return scale[0], shift[0], mul, add

    def _weights(self, conv) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
        weight = self.values[conv.input[1]]
        bias = self.values[conv.input[2]] if len(conv.input) > 2 else np.zeros(weight.shape[0])
        return weight, bias

    def _set_weights(self, conv, weight: np.ndarray, bias: np.ndarray) -> None:  # noqa: ANN001
        from onnx import numpy_helper

        names = (f"{conv.output[0]}/folded_w", f"{conv.output[0]}/folded_b")
        for name, value in zip(names, (weight, bias), strict=True):
            self.values[name] = value.astype(np.float32)
            self.graph.initializer.append(numpy_helper.from_array(self.values[name], name))
        conv.input[:] = [conv.input[0], *names]

    @staticmethod
    def _pointwise(conv, weight: np.ndarray) -> bool:  # noqa: ANN001
        """A 1x1 convolution with no padding and no stride: no border to differ at."""
        from onnx import helper

        attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        return (
            weight.shape[2:] == (1, 1)
            and not any(attrs.get("pads", []))
            and attrs.get("group", 1) == 1
            and all(s == 1 for s in attrs.get("strides", [1]))
            and attrs.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET", b"VALID", "VALID")
        )

    def _prune(self) -> None:
        """Drop the replaced nodes, then constants and initialisers nothing reads."""
        kept = [n for k, n in enumerate(self.nodes) if k not in self.dead]
        read = {name for n in kept for name in n.input} | self.outputs
        kept = [n for n in kept if n.op_type != "Constant" or n.output[0] in read]
        del self.graph.node[:]
        self.graph.node.extend(kept)
        inits = [i for i in self.graph.initializer if i.name in read]
        del self.graph.initializer[:]
        self.graph.initializer.extend(inits)
