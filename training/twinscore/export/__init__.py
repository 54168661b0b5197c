"""Export: a trained model to ONNX (fp32, int8, the single-pass dual graph, WebGPU fp16) with
parity checks, its threshold and manifest, into public/models/<name>/ (twinscore-export); and
back (unexport), so a shipped model can be fine-tuned again from its committed files."""
