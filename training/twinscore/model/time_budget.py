"""Train for a wall-clock budget instead of a step count.

A lent GPU comes for minutes, not for a number of steps, and how many steps fit is
only known once the first ones ran. With ``--max_train_minutes`` the trainer measures
its own pace, re-plans the total number of steps every ``replan_every`` steps, and
stretches or shrinks the learning-rate schedule to end on that total, so a run stopped
by the clock has decayed its learning rate as a run of that many steps would have.
``--max_steps`` stays an upper bound.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from transformers import TrainerCallback


@dataclass
class TimeBudgetArguments:
    max_train_minutes: float | None = field(
        default=None,
        metadata={"help": "Stop training after this many minutes of wall clock, with the learning-rate "
                  "schedule fitted to the steps that fit (--max_steps stays an upper bound)."},
    )


class TimeBudget(TrainerCallback):
    def __init__(self, seconds: float, replan_every: int = 10, clock=time.monotonic):
        if seconds <= 0:
            raise ValueError(f"--max_train_minutes must be positive, got {seconds / 60:g}")
        self.seconds = seconds
        self.replan_every = replan_every
        self.clock = clock
        self.start = None
        self.mark = None  # (step, time) after the first steps, which carry compilation and warm-up
        self.planned_steps = None

    def on_train_begin(self, args, state, control, **kwargs):
        self.start = self.clock()

    def on_step_end(self, args, state, control, lr_scheduler=None, **kwargs):
        now = self.clock()
        elapsed = now - self.start
        step = state.global_step
        if elapsed >= self.seconds or (self.planned_steps is not None and step >= self.planned_steps):
            control.should_training_stop = True
            return control
        if self.mark is None:
            if step >= self.replan_every:
                self.mark = (step, now)
            return control
        if step % self.replan_every:
            return control
        pace = (step - self.mark[0]) / max(now - self.mark[1], 1e-9)  # steps per second
        planned = min(state.max_steps, step + int(pace * (self.seconds - elapsed)))
        if planned != self.planned_steps:
            self.planned_steps = planned
            retarget_schedule(lr_scheduler, planned)
        return control


def retarget_schedule(lr_scheduler, total_steps: int) -> bool:
    """Point a transformers LambdaLR schedule (cosine, linear, ...) at a new total step count.

    Their lambdas are functools.partial objects with a num_training_steps keyword; a
    schedule without one (constant) has nothing to stretch and is left alone.
    """
    scheduler = getattr(lr_scheduler, "scheduler", lr_scheduler)  # accelerate wraps it
    lambdas = getattr(scheduler, "lr_lambdas", None)
    if not lambdas:
        return False
    changed = False
    for i, fn in enumerate(lambdas):
        if isinstance(fn, functools.partial) and "num_training_steps" in fn.keywords:
            lambdas[i] = functools.partial(fn.func, *fn.args, **{**fn.keywords, "num_training_steps": total_steps})
            changed = True
    return changed
