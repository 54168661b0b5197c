"""Lower-precision copies of an exported fp32 ONNX graph, made with onnxruntime's own tools.

quantize: weight-only MatMulNBits (8 bits for the file every backend runs, 4 bits for a
WebGPU candidate); to_fp16: every float in half precision except the graph's inputs and
outputs, so the caller feeds and reads the same tensors as with fp32.
"""

from __future__ import annotations

import logging
from pathlib import Path


def quantize(src: Path, dst: Path, bits: int = 8) -> None:
    """Weight-only quantization of every MatMul (onnxruntime's MatMulNBits, block 32).

    Weight-only on purpose: quantize_dynamic also quantizes activations with one scale
    per batch tensor, which makes a record's score depend on its batch-mates (we saw
    P(correct) move by 2e-3 between batch sizes). MatMulNBits keeps activations in fp32,
    so a record scores the same alone or batched, and it has WebGPU kernels.
    """
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)
    config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, bits=bits)
    quantizer = MatMulNBitsQuantizer(onnx.load(str(src)), algo_config=config)
    quantizer.process()
    dst.parent.mkdir(parents=True, exist_ok=True)
    quantizer.model.save_model_to_file(str(dst), use_external_data_format=False)


def to_fp16(src: Path, dst: Path) -> None:
    """fp16 weights and activations; inputs and outputs stay as they are (keep_io_types),
    so the browser's runner and its tensors do not change with the file."""
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    logging.getLogger("onnxruntime.transformers.float16").setLevel(logging.ERROR)
    model = convert_float_to_float16(onnx.load(str(src)), keep_io_types=True)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(dst))
