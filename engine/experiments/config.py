"""The experiment keys of the journey format, as the experiments package names them.

The models live beside the node configs that use them (`engine/nodes/experiment_keys.py`),
so the node registry loads without this package; this module re-exports them.
"""

from engine.nodes.experiment_keys import (  # noqa: F401
    MIN_SENDS,
    EmailExperiment,
    Guardrails,
    HoldoutSettings,
    SplitExperiment,
)
