"""Scenario simulator: labelled (ground-truth) traffic in every format jetwatch reads.

``load(name_or_path)`` reads a preset or a scenario TOML (:mod:`.scenario`);
``simulate(scenario, out, formats)`` writes the data, the ground truth and a
manifest (:mod:`.run`). Everything it writes is labelled as simulated.
"""

from jetwatch.sim.fields import ScenarioError
from jetwatch.sim.run import FORMATS, simulate
from jetwatch.sim.scenario import SIMULATED, Scenario, load, presets

__all__ = ["FORMATS", "SIMULATED", "Scenario", "ScenarioError", "load", "presets", "simulate"]
