"""Training without Qt: datasets, losses, SGD and a step-by-step ``Trainer``.

``Trainer(preset("micrograd-demo")).run()`` reproduces micrograd's demo notebook; the hot path
replays the model on ``mgstudio.engine.tape`` when it is available, and the scalar ``Value``
path stays as the reference.
"""

from .config import TrainConfig
from .datasets import DATASETS, Dataset, load_csv, make_dataset, parse_csv
from .errors import ConfigError, DatasetError, TrainingDiverged, TrainingError
from .losses import LOSSES, accuracy
from .optim import LearningRate
from .presets import PRESETS, preset
from .trainer import Snapshot, Trainer

__all__ = [
    "DATASETS",
    "LOSSES",
    "PRESETS",
    "ConfigError",
    "Dataset",
    "DatasetError",
    "LearningRate",
    "Snapshot",
    "TrainConfig",
    "Trainer",
    "TrainingDiverged",
    "TrainingError",
    "accuracy",
    "load_csv",
    "make_dataset",
    "parse_csv",
    "preset",
]
