"""Regenerate the Python code for ``protos/glasses.proto``.

``python -m protos.generate`` writes next to the .proto file;
``generate(out_dir)`` writes elsewhere (the staleness test compares).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO = "protos/glasses.proto"
GENERATED = ("glasses_pb2.py", "glasses_pb2.pyi", "glasses_pb2_grpc.py")


def generate(out_dir: Path = ROOT) -> list[Path]:
    """Run protoc (from grpcio-tools) and return the generated files."""
    from grpc_tools import protoc

    out_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{ROOT}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        str(ROOT / PROTO),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {PROTO}")
    return [out_dir / "protos" / name for name in GENERATED]


if __name__ == "__main__":
    for path in generate():
        print(f"wrote {path.relative_to(ROOT)}")
    sys.exit(0)
