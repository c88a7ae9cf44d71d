"""Regenerates numpy_fixtures.json: what NumPy prints for many arrays.

Run with a NumPy >= 2.3 (the fixtures were made with NumPy 2.4.6):
    python3 test/ndarray/gen_numpy_fixtures.py > test/ndarray/numpy_fixtures.json
    npx prettier --write test/ndarray/numpy_fixtures.json
Float32 elements are stored as their IEEE bit patterns so that they load exactly.
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(20240601)
cases = []


def add(arr, options=None, note=""):
    options = options or {}
    with np.printoptions(**options):
        if arr.ndim == 0 and arr.dtype.kind == "S":
            text = repr(arr.item())  # a session returns bytes for a 0-d string
        else:
            text = str(arr)
        rep = repr(arr)
    if arr.dtype == np.float32:
        data = arr.reshape(-1).view(np.uint32).tolist()
        dtype = "float32"
    elif arr.dtype == np.int32:
        data = arr.reshape(-1).tolist()
        dtype = "int32"
    elif arr.dtype == np.bool_:
        data = arr.reshape(-1).tolist()
        dtype = "bool"
    else:
        data = [b.decode("utf-8") for b in arr.reshape(-1).tolist()]
        dtype = "string"
    cases.append(
        {"note": note, "shape": list(arr.shape), "dtype": dtype, "data": data,
         "options": options, "str": text, "repr": rep}
    )


f32 = lambda v: np.array(v, dtype=np.float32)
i32 = lambda v: np.array(v, dtype=np.int32)

# --- float32 hand-picked -----------------------------------------------------
for v in [[1, 1], [2, 2], [0.1, 0.2, 0.3], [1.5, 2.0], [-1.5, 2.25], [0.0, -0.0], [-0.0],
          [1e-4, 1], [9.9e-5, 1], [0.001, 1], [0.001, 1.001], [999.0, 1.0], [1000.0, 1.0],
          [1001.0, 1.0], [999999.0], [1e6], [1e7, 2e7], [1e8], [123456789.0], [1e16],
          [3.4028235e38], [1.4e-45, 1.0], [1e-45], [1.17549435e-38], [np.nan], [np.inf],
          [-np.inf], [np.nan, 1.5], [np.inf, -np.inf], [np.nan, -np.inf, 1.25],
          [1e-5, np.nan], [1e10, -np.inf, np.nan], [0.00195312, 1.0019531],
          [0.001953125, 1.001953125], [16777216.0, 1.0], [67108872.0], [0.5, 2.5, 1.5],
          [1 / 3, 2 / 3], [np.pi, np.e], [100.0, 0.1], [0.12345678, 0.9], [1e-5, 1.2345678e-5],
          [0.0, 0.0], [0.0, np.nan], [-1e-10, 5.0], [0.3, 1e5], [123.456, -0.001],
          [-0.03965167, -0.0887058, 1.44239008, 0.27801564], [20.5], [1e3, 1e-3]]:
    add(f32(v), note="float32 hand-picked")
add(f32([[-0.03965167, -0.0887058], [1.44239008, 0.27801564]]), note="brief example")
for v in [20.5, 1.0, 0.05, 0.1, 0.0, -0.0, 1e-4, 1.0001e-4, 9.9e-5, 1e-5, 999999.0, 1e6,
          123456789.0, 1e16, 3.4028235e38, 1.4e-45, np.nan, np.inf, -np.inf, -2.5, 67108872.0,
          np.pi, 1 / 3]:
    add(f32(v), note="float32 scalar")

# --- float32 random ------------------------------------------------------------
for shape in [(5,), (3, 4), (2, 3, 4), (2, 2, 2, 2), (1, 1), (1,), (4, 1), (1, 5)]:
    add(rng.standard_normal(shape).astype(np.float32), note="normal")
for scale in [1e-6, 1e-3, 1.0, 1e3, 1e5, 1e7, 1e12]:
    add((rng.standard_normal(6) * scale).astype(np.float32), note=f"normal * {scale}")
    add((rng.uniform(0, 1, (2, 3)) * scale).astype(np.float32), note=f"uniform * {scale}")
for _ in range(40):
    n = int(rng.integers(1, 9))
    exps = rng.uniform(-8, 9, n)
    vals = (rng.choice([-1, 1], n) * 10.0 ** exps).astype(np.float32)
    add(vals, note="log-uniform magnitudes")
for _ in range(30):
    n = int(rng.integers(1, 7))
    vals = rng.integers(-2000, 2000, n).astype(np.float32) / np.float32(rng.choice([1, 2, 4, 8, 10, 100, 1000]))
    add(vals.astype(np.float32), note="short decimals")
for _ in range(40):
    bits = rng.integers(0, 2**32, int(rng.integers(1, 6)), dtype=np.uint64).astype(np.uint32)
    add(bits.view(np.float32), note="random bit patterns")
add(np.arange(30, dtype=np.float32) / 7, note="wrap 1-D")
add(np.arange(100, dtype=np.float32), note="wrap integers-as-float")
add(np.linspace(0, 1, 24, dtype=np.float32).reshape(2, 12), note="wrap 2-D")
add(np.arange(1200, dtype=np.float32) * np.float32(0.5), note="summarized 1-D")
add(rng.standard_normal((40, 40)).astype(np.float32), note="summarized 2-D")
add(rng.standard_normal((11, 10, 10)).astype(np.float32), note="summarized 3-D")
add(rng.standard_normal((1001,)).astype(np.float32), note="summarized just over threshold")
add(rng.standard_normal((1000,)).astype(np.float32), note="exactly threshold (not summarized)")
add(np.zeros((0,), np.float32), note="empty")
add(np.zeros((0, 3), np.float32), note="empty 2-D")
add(np.zeros((2, 0), np.float32), note="empty trailing")
add(np.zeros((3, 0, 2), np.float32), note="empty middle")
add(np.ones((2, 1, 3), np.float32), note="singleton axis")

# --- int32 -------------------------------------------------------------------
for v in [[1, 2, 3], [0], [-1, 10, 100], [-1000, 5], [2147483647, -2147483648], [[1, 2], [3, 4]],
          [[-5, 10], [300, 4]]]:
    add(i32(v), note="int32")
for v in [3, -7, 0, 2147483647]:
    add(i32(v), note="int32 scalar")
add(np.arange(100, dtype=np.int32), note="int wrap")
add(np.arange(30, dtype=np.int32).reshape(2, 3, 5), note="int 3-D")
add(np.arange(1100, dtype=np.int32), note="int summarized")
add(np.arange(1200, dtype=np.int32).reshape(20, 60) - 600, note="int summarized 2-D")
add(rng.integers(-(2**31), 2**31, (4, 30), dtype=np.int64).astype(np.int32), note="int wide wrap")
add(np.zeros((0,), np.int32), note="int empty")
add(np.zeros((0, 2), np.int32), note="int empty 2-D")

# --- bool --------------------------------------------------------------------
for v in [[True, False], [True], [False], [[True, False], [False, True]], [True] * 20]:
    add(np.array(v, dtype=np.bool_), note="bool")
add(np.array(True), note="bool scalar")
add(np.array(False), note="bool scalar")
add(rng.integers(0, 2, 1200).astype(np.bool_), note="bool summarized")
add(np.zeros((0,), np.bool_), note="bool empty")
add(np.zeros((2, 0), np.bool_), note="bool empty 2-D")

# --- bytes -------------------------------------------------------------------
for v in [[b"a", b"bc"], [b"hello", b"world"], [b""], [b"it's"], [b'say "hi"'], [b"both ' and \""],
          [b"tab\there", b"new\nline", b"back\\slash"], ["héllo".encode(), "日本".encode()],
          [[b"a", b"b"], [b"c", b"d"]], [b"x" * 30, b"y" * 30, b"z" * 30]]:
    add(np.array(v), note="bytes")
add(np.array(b"abc"), note="bytes scalar")
add(np.array([b"w%d" % i for i in range(1001)]), note="bytes summarized")
add(np.zeros((0,), "S1"), note="bytes empty")

# --- print options -------------------------------------------------------------
legacy_vals = [[1e6], [1e7, 2e7], [99999999.0], [1e8], [67108872.0], [123456.7, 1.0], [16777216.0]]
for v in legacy_vals:
    add(f32(v), {"legacy": "2.2"}, note="legacy 2.2")
for v in [1e6, 1e7, 67108872.0, 9.99e15, 1e16, 123456789.0]:
    add(f32(v), {"legacy": "2.2"}, note="legacy 2.2 scalar")
sample = f32([np.pi, 1.5, -2.0, 1 / 3])
for mode in ["fixed", "unique", "maxprec_equal", "maxprec"]:
    add(sample, {"floatmode": mode}, note=f"floatmode {mode}")
    add(f32([1.5, 2.0]), {"floatmode": mode}, note=f"floatmode {mode}")
    add(f32([1e-5, 1.5e-5, 3.0]), {"floatmode": mode}, note=f"floatmode {mode} sci")
    add(f32([np.nan, 1.0]), {"floatmode": mode}, note=f"floatmode {mode} nan")
for p in [0, 1, 3, 4]:
    add(sample, {"precision": p}, note=f"precision {p}")
    add(f32([1e-5, 1.5e-5, 3.0]), {"precision": p}, note=f"precision {p} sci")
add(f32([1e-10, 1.0, 1000.5]), {"suppress": True}, note="suppress")
add(f32([1e-10, 1e-12]), {"suppress": True}, note="suppress tiny")
add(f32([1e-10, 1e7]), {"suppress": True}, note="suppress big")
add(np.arange(20, dtype=np.int32), {"linewidth": 20}, note="linewidth 20")
add(np.arange(20, dtype=np.float32), {"linewidth": 30}, note="linewidth 30")
add(np.arange(20, dtype=np.int32), {"threshold": 10}, note="threshold 10")
add(np.arange(20, dtype=np.int32).reshape(4, 5), {"threshold": 10, "edgeitems": 1}, note="edgeitems 1")
add(np.arange(20, dtype=np.float32), {"threshold": 10, "edgeitems": 2}, note="edgeitems 2")
add(f32([np.nan, np.inf, -np.inf, 1.0]), {"nanstr": "NaN", "infstr": "Infinity"}, note="nanstr/infstr")

# One case a line keeps diffs of regenerated fixtures readable.
sys.stdout.write('{"numpy": %s, "cases": [\n' % json.dumps(np.__version__))
sys.stdout.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
sys.stdout.write("\n]}\n")
