"""Checks an exported model.onnx from Python, as a user of the model runs it.

    check-onnx.py MODEL_ONNX CANVASES_PARQUET_DIR SCORED_PARQUET_DIR

1. onnx.checker (full check, with shape inference) passes, and the signature and metadata are the ones the
   README promises;
2. ONNX Runtime runs the model on the canvases (pixels / 255, [N, 1, S, S]);
3. its digits equal the score job's (DL4J) on the same canvases, row by row (joined on id), and its
   probabilities and boxes are within 1e-5 of the score job's.
Exits non-zero with the first difference found.
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pyarrow.parquet as pq

TOLERANCE = 1e-5


def fail(message):
    print("check-onnx: FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def check_model(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    meta = {p.key: p.value for p in model.metadata_props}
    for key in ("canvas_size", "box_convention", "code_version"):
        if key not in meta:
            fail(f"metadata_props lack {key}: {meta}")
    size = int(meta["canvas_size"])
    graph = model.graph
    inputs = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in graph.input}
    outputs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in graph.output}
    if inputs != {"canvas": ["N", 1, size, size]}:
        fail(f"inputs {inputs}, expected canvas [N, 1, {size}, {size}]")
    if outputs != {"classification": ["N", 10], "bounding_box": ["N", 4]}:
        fail(f"outputs {outputs}")
    opset = {o.domain: o.version for o in model.opset_import}
    print(f"check-onnx: onnx.checker passed (IR {model.ir_version}, opset {opset.get('', '?')}, "
          f"canvas {size}, code {meta['code_version']})")
    return size


def main(model_path, canvases_dir, scored_dir):
    size = check_model(model_path)
    canvases = pq.read_table(canvases_dir, columns=["id", "width", "height", "pixels"]).to_pydict()
    n = len(canvases["id"])
    if n == 0 or set(canvases["width"]) != {size} or set(canvases["height"]) != {size}:
        fail(f"{canvases_dir}: expected {size}x{size} canvases, found {n} rows")
    pixels = np.stack([np.frombuffer(p, dtype=np.uint8) for p in canvases["pixels"]])
    x = (pixels.astype(np.float32) / np.float32(255)).reshape(n, 1, size, size)

    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    probabilities, boxes = [], []
    for start in range(0, n, 256):  # batches of different sizes: N is dynamic
        p, b = session.run(["classification", "bounding_box"], {"canvas": x[start:start + 256]})
        probabilities.append(p)
        boxes.append(b)
    probabilities = np.concatenate(probabilities)
    boxes = np.concatenate(boxes)

    scored = pq.read_table(scored_dir).to_pydict()
    row = {i: k for k, i in enumerate(scored["id"])}
    if sorted(row) != sorted(canvases["id"]):
        fail(f"the score job's ids differ from the canvases' ({len(row)} scored, {n} canvases)")
    if any(e is not None for e in scored["error"]):
        fail("the score job could not score every canvas")
    worst_p, worst_box = 0.0, 0.0
    for k, cid in enumerate(canvases["id"]):
        s = row[cid]
        dl4j_p = np.asarray(scored["probabilities"][s], dtype=np.float32)
        dl4j_box = np.asarray([scored[c][s] for c in ("box_xmin", "box_ymin", "box_xmax", "box_ymax")], np.float32)
        digit = int(np.argmax(probabilities[k]))
        if digit != scored["digit"][s]:
            top2 = np.sort(probabilities[k])[-2:]
            fail(f"canvas {cid}: ONNX Runtime says {digit}, the score job {scored['digit'][s]} "
                 f"(top two probabilities {top2})")
        worst_p = max(worst_p, float(np.max(np.abs(probabilities[k] - dl4j_p))))
        worst_box = max(worst_box, float(np.max(np.abs(boxes[k] - dl4j_box))))
    if worst_p > TOLERANCE or worst_box > TOLERANCE:
        fail(f"largest difference from the score job: probabilities {worst_p:.2e}, boxes {worst_box:.2e} "
             f"(tolerance {TOLERANCE})")
    print(f"check-onnx: {n} canvases: ONNX Runtime {ort.__version__} gives the score job's digits on every one; "
          f"largest differences: probabilities {worst_p:.1e}, boxes {worst_box:.1e}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
