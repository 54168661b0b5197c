"""training/sweep.sh: candidates trained side by side under one budget, then compared."""

import json
import os
import subprocess

from .conftest import ROOT, run


def sweep(tmp_path, *candidates, minutes="0.2"):
    env = {**os.environ, "DATA": str(tmp_path / "data"), "RUNS": str(tmp_path / "runs"), "MINUTES": minutes}
    return subprocess.run(["bash", str(ROOT / "training/sweep.sh"), *candidates], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_trains_each_candidate_for_the_budget_and_compares_them(tmp_path):
    from twinscore.tiny import train_tokenizer

    run("twinscore.build_dataset", "--toy", "600", "--val_size", "0.15", "--seed", "4", "--out", str(tmp_path / "data"))
    # a given tokenizer for one candidate (the lease's way), one trained on the data for the other
    given = train_tokenizer(["北京市海淀区学院路29号"] * 3, 300, place_tokens=True)
    given.save_pretrained(tmp_path / "tok")
    result = sweep(tmp_path, f"small:32:1:2:2e-3:8:{tmp_path / 'tok'}", "wide:64:2:4:1e-3:8")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "runs/summary.json").read_text())
    assert set(summary) == {"small", "wide"}
    for name, result_of in summary.items():
        assert 0.0 <= result_of["eval_accuracy"] <= 1.0 and result_of["global_step"] > 5, result_of
        assert f"sweep: {name} (" in result.stdout
        config = json.loads((tmp_path / "runs" / name / "config.json").read_text())
        assert config["hidden_size"] == {"small": 32, "wide": 64}[name]
        assert (config["vocab_size"] == len(given)) is (name == "small")
    log = (tmp_path / "runs/sweep.log").read_text()
    assert "[small] " in log and "[wide] " in log


def test_refuses_data_without_a_validation_split(pipeline, tmp_path):
    (tmp_path / "data").symlink_to(pipeline["data"])  # train and test only
    result = sweep(tmp_path, "small:32:1:2:2e-3:8")
    assert result.returncode == 2
    assert "data/validation.jsonl is missing" in result.stderr


def test_refuses_a_candidate_it_cannot_read(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/validation.jsonl").write_text("")
    result = sweep(tmp_path, "small:32:1")
    assert result.returncode == 2
    assert "small:32:1 is not name:hidden:layers:heads:lr:batch" in result.stderr
    assert sweep(tmp_path).returncode == 2
    missing = sweep(tmp_path, f"small:32:1:2:2e-3:8:{tmp_path / 'nowhere'}")
    assert missing.returncode == 2 and f"{tmp_path / 'nowhere'} has no tokenizer.json" in missing.stderr
