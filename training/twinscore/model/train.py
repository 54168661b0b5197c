"""train: TRL's RewardTrainer on our preference JSONL, with TRL's own options.

    twinscore-train --dataset_name data/toy --output_dir runs/toy --tiny \\
        --num_train_epochs 3 --per_device_train_batch_size 16 --learning_rate 1e-3

    twinscore-train --dataset_name data/my-dataset --output_dir runs/qwen \\
        --model_name_or_path Qwen/Qwen2-0.5B-Instruct --use_peft --lora_r 32 --lora_alpha 16

Every RewardConfig / ModelConfig / ScriptArguments option works as in TRL's
``trl/scripts/reward.py`` (the seed's reward_modeling.py); ours add only --tiny* and --max_train_minutes.
Uses CUDA when present, the CPU otherwise (the Trainer decides). Writes the model,
the tokenizer and eval_results.json (with eval_accuracy) into --output_dir.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .time_budget import TimeBudget, TimeBudgetArguments
from .tiny import TinyArguments, build_tiny_model
from .tokenizer import load_tokenizer

DEFAULT_BASE_MODEL = "Qwen/Qwen2-0.5B-Instruct"


def make_parser():
    from trl import ModelConfig, RewardConfig, ScriptArguments, TrlParser

    return TrlParser((ScriptArguments, RewardConfig, ModelConfig, TinyArguments, TimeBudgetArguments), prog="twinscore-train")


def load_preference_dataset(name: str):
    from datasets import load_dataset

    path = Path(name)
    if path.is_dir():
        files = {split: str(path / f"{split}.jsonl") for split in ("train", "validation", "test") if (path / f"{split}.jsonl").exists()}
        if "train" not in files:
            raise SystemExit(f"train: {path} has no train.jsonl (make one with twinscore-build-dataset)")
        return load_dataset("json", data_files=files)
    if path.suffix in (".jsonl", ".json"):
        return load_dataset("json", data_files={"train": str(path)})
    return load_dataset(name)  # a hub dataset, for users who have the hub


def main(argv: list[str] | None = None) -> int:
    from trl import RewardTrainer, get_peft_config

    import torch

    argv = list(sys.argv[1:] if argv is None else argv)
    if not torch.cuda.is_available() and not any(a.startswith("--bf16") for a in argv):
        argv += ["--bf16", "False"]  # RewardConfig defaults to bf16, which a CPU run rejects
    parser = make_parser()
    script_args, training_args, model_args, tiny_args, budget_args = parser.parse_args_and_config(args=argv)
    if model_args.use_peft and not any(a.startswith("--lora_task_type") for a in argv):
        # TRL defaults LoRA to CAUSAL_LM; a reward model is SEQ_CLS, which also makes PEFT
        # train (and save) the new score head instead of leaving it random.
        model_args.lora_task_type = "SEQ_CLS"
    if budget_args.max_train_minutes is not None and budget_args.max_train_minutes <= 0:
        # Refused before the dataset loads; 0 must not silently mean "no budget".
        parser.error(f"--max_train_minutes must be positive, got {budget_args.max_train_minutes:g}")
    if script_args.dataset_name is None:
        parser.error("--dataset_name is required: a folder made by twinscore-build-dataset, a .jsonl file, or a hub dataset")
    dataset = load_preference_dataset(script_args.dataset_name)
    train_split, test_split = script_args.dataset_train_split, script_args.dataset_test_split
    eval_dataset = dataset[test_split] if test_split in dataset else None
    train_dataset = dataset[train_split]
    if eval_dataset is None:
        training_args.eval_strategy = "no"

    if tiny_args.tiny:
        texts = [pair["chosen"][0]["content"] for pair in dataset[train_split]]
        model = str(build_tiny_model(texts, Path(training_args.output_dir) / "base-tiny", tiny_args))
    else:
        model = model_args.model_name_or_path or DEFAULT_BASE_MODEL
    # As in trl/scripts/reward.py: the trainer loads the model (num_labels=1) and its tokenizer.
    model_init_kwargs = dict(
        revision=model_args.model_revision,
        trust_remote_code=training_args.trust_remote_code,
        attn_implementation=model_args.attn_implementation,
        dtype=model_args.dtype,
    )
    training_args.model_init_kwargs = {**model_init_kwargs, **(training_args.model_init_kwargs or {})}

    # None: TRL loads the hub tokenizer with AutoTokenizer, as in its script.
    tokenizer = load_tokenizer(model) if Path(model).is_dir() else None
    trainer = RewardTrainer(
        model=model,
        args=training_args,
        processing_class=tokenizer,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        peft_config=get_peft_config(model_args),
        callbacks=[TimeBudget(budget_args.max_train_minutes * 60)] if budget_args.max_train_minutes is not None else None,
    )
    trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.save_model(training_args.output_dir)
    trainer.save_state()  # trainer_state.json: steps run and the loss curve, for the model card
    trainer.processing_class.save_pretrained(training_args.output_dir)
    if eval_dataset is not None:
        metrics = trainer.evaluate()
        trainer.save_metrics("eval", metrics)
        print(f"train: eval_accuracy={metrics.get('eval_accuracy', float('nan')):.4f} "
              f"(saved to {Path(training_args.output_dir) / 'eval_results.json'})")
    return 0



if __name__ == "__main__":
    sys.exit(main())
