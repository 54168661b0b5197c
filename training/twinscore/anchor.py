"""anchor: hold some pairs where the starting model scores them while the others train.

A round aimed at one class (7-digit postcodes written first, another city's area code)
moves every record: the plain pairwise loss on a replay of the natural mix does not keep
a record's score, it pushes every margin wider, and the CPU rounds of the default model
traded false alarms for the aimed class each time. Here the replay is an anchor instead:

    twinscore-train --model_name_or_path runs/shipped --dataset_name data/aimed \\
        --anchor_dataset data/replay --anchor_weight 1 ...

The pairs of --dataset_name train as TRL's RewardTrainer trains them (-log sigmoid of
chosen minus rejected). The pairs of --anchor_dataset are scored by a frozen copy of the
starting model (the teacher) and the loss on them is the squared distance of the
student's two rewards to the teacher's (distillation on the reward head): a record the
starting model scored well stays where it was, whichever label it has. Both sets are
shuffled together, so each batch holds both in their proportion.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import torch
from torch import nn

ANCHOR_COLUMN = "anchor"


@dataclass
class AnchorArguments:
    anchor_dataset: str | None = field(
        default=None,
        metadata={"help": "preference pairs (a folder's train.jsonl or a .jsonl) held to the starting model's "
                          "rewards instead of trained on their labels"},
    )
    anchor_weight: float = field(
        default=1.0,
        metadata={"help": "weight of the anchor pairs' squared reward distance against the trained pairs' loss"},
    )


def mark(dataset, anchored: bool):
    """The dataset with a boolean column saying whether its pairs are anchors."""
    if ANCHOR_COLUMN in dataset.column_names:
        dataset = dataset.remove_columns(ANCHOR_COLUMN)
    return dataset.add_column(ANCHOR_COLUMN, [anchored] * len(dataset))


def pair_losses(rewards_chosen, rewards_rejected, teacher_chosen, teacher_rejected, anchor, weight: float):
    """(trained-pair loss, anchor loss): each the mean over its own pairs, 0 where a batch has none."""
    zero = rewards_chosen.new_zeros(())
    free = ~anchor
    trained = -nn.functional.logsigmoid(rewards_chosen[free] - rewards_rejected[free]).mean() if free.any() else zero
    if not anchor.any():
        return trained, zero
    held = ((rewards_chosen[anchor] - teacher_chosen) ** 2 + (rewards_rejected[anchor] - teacher_rejected) ** 2) / 2
    return trained, weight * held.mean()


def anchored_trainer_class():
    """RewardTrainer with the anchor loss (built lazily: TRL imports in seconds, not at module import)."""
    from trl import RewardTrainer
    from trl.trainer.reward_trainer import DataCollatorForPreference

    @dataclass
    class AnchorCollator(DataCollatorForPreference):
        def torch_call(self, examples):
            out = super().torch_call(examples)
            # an evaluation split has no anchor column: every pair of it is a trained pair
            out[ANCHOR_COLUMN] = torch.tensor([bool(e.get(ANCHOR_COLUMN, False)) for e in examples])
            return out

    class AnchoredRewardTrainer(RewardTrainer):
        def __init__(self, *args, anchor_weight: float, **kwargs):
            super().__init__(*args, **kwargs)
            self.anchor_weight = anchor_weight
            # the teacher is the starting model as loaded, before any step
            self.teacher = copy.deepcopy(self.accelerator.unwrap_model(self.model)).eval()
            for p in self.teacher.parameters():
                p.requires_grad_(False)
            self.data_collator = AnchorCollator(pad_token_id=self.processing_class.pad_token_id,
                                                pad_to_multiple_of=self.args.pad_to_multiple_of)

        def _set_signature_columns_if_needed(self):
            super()._set_signature_columns_if_needed()
            if ANCHOR_COLUMN not in self._signature_columns:
                self._signature_columns = [*self._signature_columns, ANCHOR_COLUMN]

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            anchor = inputs.pop(ANCHOR_COLUMN).to(inputs["input_ids"].device)
            # TRL's own loss runs the forward pass and logs its metrics; the loss is ours
            _, outputs = super().compute_loss(model, inputs, return_outputs=True, num_items_in_batch=num_items_in_batch)
            rewards_chosen, rewards_rejected = torch.chunk(outputs.logits.squeeze(-1), chunks=2)
            teacher_chosen = teacher_rejected = None
            if anchor.any():
                rows = torch.cat([anchor, anchor])
                with torch.no_grad():
                    self.teacher.to(inputs["input_ids"].device)
                    t = self.teacher(input_ids=inputs["input_ids"][rows], attention_mask=inputs["attention_mask"][rows],
                                     use_cache=False).logits.squeeze(-1)
                teacher_chosen, teacher_rejected = torch.chunk(t, chunks=2)
            trained, held = pair_losses(rewards_chosen, rewards_rejected, teacher_chosen, teacher_rejected,
                                        anchor, self.anchor_weight)
            mode = "train" if self.model.training else "eval"
            self._metrics[mode]["anchor_loss"].append(held.item())
            loss = trained + held
            return (loss, outputs) if return_outputs else loss

    return AnchoredRewardTrainer
