import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / ".artifacts"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one of our commands the way a user does, as a separate process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "training")}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check)


@pytest.fixture(scope="session")
def pipeline():
    """build-dataset -> train (tiny, TRL) -> export, once for the whole session.

    The exported model lands in tests/.artifacts/models/, where the TypeScript parity
    test also checks it: a freshly trained model, not only the committed one.
    """
    data, out, models = ARTIFACTS / "data", ARTIFACTS / "run", ARTIFACTS / "models"
    run("twinscore.dataset", "--toy", "1200", "--seed", "3", "--out", str(data))
    train = run(
        "twinscore.model", "--dataset_name", str(data), "--output_dir", str(out), "--tiny",
        "--num_train_epochs", "4", "--per_device_train_batch_size", "16", "--learning_rate", "2e-3",
        "--eval_strategy", "epoch", "--save_strategy", "no", "--report_to", "none", "--seed", "3",
        "--max_length", "256", "--logging_steps", "50",
    )
    export = run("twinscore.export", "--model_dir", str(out), "--dataset", str(data), "--name", "pytest-tiny", "--out_root", str(models))
    return {"data": data, "run": out, "model": models / "pytest-tiny", "train_log": train.stdout + train.stderr, "export_log": export.stdout}
