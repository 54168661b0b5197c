"""--anchor_dataset: pairs held to the starting model's rewards while the others train (the real TRL trainer)."""
import json

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from tests.python.conftest import run
from twinscore.anchor import pair_losses
from twinscore.tokenizer import load_tokenizer


def prefixed(messages):
    return [{**m, "content": "审核：" + m["content"]} if m["role"] == "user" else m for m in messages]


def split_pairs(pipeline, tmp_path):
    """The toy training pairs cut in two: the first 200 behind a prefix the toy records never
    hold and with their labels swapped (a round that must move the model a long way, and
    can without moving the rest), the next 200 as they are (the pairs to hold)."""
    pairs = [json.loads(line) for line in open(pipeline["data"] / "train.jsonl", encoding="utf-8")][:400]
    aimed, held = tmp_path / "aimed.jsonl", tmp_path / "held.jsonl"
    with open(aimed, "w", encoding="utf-8") as f:
        for p in pairs[:200]:
            chosen, rejected = (prefixed(p["rejected"]), prefixed(p["chosen"]))
            f.write(json.dumps({**p, "chosen": chosen, "rejected": rejected}, ensure_ascii=False) + "\n")
    with open(held, "w", encoding="utf-8") as f:
        for p in pairs[200:]:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    return aimed, held, pairs[200:]


def train(pipeline, out, dataset, *extra, check=True):
    return run(
        "twinscore.train", "--model_name_or_path", str(pipeline["run"]), "--dataset_name", str(dataset),
        "--output_dir", str(out), "--max_steps", "12", "--per_device_train_batch_size", "16",
        "--learning_rate", "3e-3", "--eval_strategy", "no", "--save_strategy", "no", "--report_to", "none",
        "--max_length", "256", "--seed", "5", "--logging_steps", "4", *extra, check=check,
    )


def rewards(model_dir, pairs):
    tok = load_tokenizer(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    out = []
    with torch.no_grad():
        for p in pairs:
            for side in ("chosen", "rejected"):
                ids = tok(tok.apply_chat_template(p[side], tokenize=False), add_special_tokens=False, return_tensors="pt")
                out.append(model(**ids).logits.item())
    return torch.tensor(out)


def test_anchor_pairs_keep_the_starting_models_rewards_while_the_aimed_pairs_move(pipeline, tmp_path):
    aimed, held, held_pairs = split_pairs(pipeline, tmp_path)
    train(pipeline, tmp_path / "free", aimed)
    anchored = train(pipeline, tmp_path / "anchored", aimed, "--anchor_dataset", str(held), "--anchor_weight", "4")
    assert "200 anchor pairs" in anchored.stderr and "beside 200 trained pairs" in anchored.stderr
    assert "anchor_loss" in anchored.stdout + anchored.stderr  # logged beside TRL's metrics

    start = rewards(pipeline["run"], held_pairs)
    drift_free = (rewards(tmp_path / "free", held_pairs) - start).abs().mean().item()
    drift_anchored = (rewards(tmp_path / "anchored", held_pairs) - start).abs().mean().item()
    # swapped labels drag every record with them unless it is held
    assert drift_free > 1.0
    assert drift_anchored < drift_free / 3

    # and the aimed pairs still moved the way their (swapped) labels say
    aimed_pairs = [json.loads(line) for line in open(aimed, encoding="utf-8")]
    before, after = rewards(pipeline["run"], aimed_pairs), rewards(tmp_path / "anchored", aimed_pairs)
    margin = lambda r: (r[0::2] - r[1::2]).mean().item()  # noqa: E731 - chosen minus rejected
    assert margin(after) > margin(before) + 1.0


def test_anchors_are_refused_without_a_trained_model_or_with_a_weight_of_zero(pipeline, tmp_path):
    tiny = run("twinscore.train", "--dataset_name", str(pipeline["data"]), "--output_dir", str(tmp_path / "t"), "--tiny",
               "--anchor_dataset", str(pipeline["data"]), "--max_steps", "1", "--report_to", "none", check=False)
    assert tiny.returncode != 0 and "not with --use_peft or --tiny" in tiny.stderr
    zero = train(pipeline, tmp_path / "z", pipeline["data"], "--anchor_dataset", str(pipeline["data"]),
                 "--anchor_weight", "0", check=False)
    assert zero.returncode != 0 and "--anchor_weight must be positive, got 0" in zero.stderr
    missing = train(pipeline, tmp_path / "m", pipeline["data"], "--anchor_dataset", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode != 0 and "nowhere: no such folder or .jsonl file" in missing.stderr
    for out in ("t", "z", "m"):
        assert not (tmp_path / out / "model.safetensors").exists()


def test_pair_losses_split_a_batch_into_trained_and_held_pairs():
    chosen = torch.tensor([2.0, 0.0, 1.0, 3.0])
    rejected = torch.tensor([0.0, 0.0, 1.0, -1.0])
    anchor = torch.tensor([False, False, True, True])
    teacher_chosen, teacher_rejected = torch.tensor([1.0, 3.0]), torch.tensor([1.0, 1.0])
    trained, held = pair_losses(chosen, rejected, teacher_chosen, teacher_rejected, anchor, weight=2.0)
    expected = -(torch.nn.functional.logsigmoid(torch.tensor(2.0)) + torch.nn.functional.logsigmoid(torch.tensor(0.0))) / 2
    assert trained.item() == pytest.approx(expected.item())
    # pair 3 sits on its teacher (0), pair 4 is off by 0 and 2: ((0 + 4) / 2) averaged over 2 pairs, times 2
    assert held.item() == pytest.approx(2.0 * (0.0 + (0.0 + 4.0) / 2) / 2)
    # a batch of anchors only has no trained loss; one without anchors no held loss
    assert pair_losses(chosen, rejected, torch.ones(4), torch.ones(4), torch.ones(4, dtype=torch.bool), 1.0)[0].item() == 0
    assert pair_losses(chosen, rejected, None, None, torch.zeros(4, dtype=torch.bool), 1.0)[1].item() == 0
