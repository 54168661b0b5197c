"""twinscore: the training side of the digital-twin data-quality scorer, one package per stage.

    records  -> dataset            -> model                  -> export            -> card
    generate    build (TRL pairs)     train (RewardTrainer)     ONNX, int8, parity   MODEL_CARD.md

Each stage imports only the stages before it; prompt.py (the prompt and label words) and
record_template.py (the layout the app composes a row with) are the formats all of them
share, each with a TypeScript twin under src/core/. `python -m twinscore.<stage>` runs the
stage's command, as twinscore-generate, -build-dataset, -train and -export do.
"""
