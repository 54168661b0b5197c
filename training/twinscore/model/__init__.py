"""The model: the tiny Qwen2 reward model and its tokenizer, trained from our records or
fine-tuned from a shipped model with TRL's RewardTrainer (twinscore-train), and scored in PyTorch."""
