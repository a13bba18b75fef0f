"""Replications run together: the run, compare and sweep studies, execution in
processes or on Dask, checkpoints, aggregation, results objects and their folders."""

from __future__ import annotations

from ._checkpoint import CheckpointError, Checkpoints
from ._execute import outputs
from ._folders import (
    MANIFEST,
    POSTERIOR_FILE,
    claim,
    extends_from,
    folder_kind,
    published,
    read_manifest,
    read_sources,
    write_sources,
    writing,
)
from ._posterior import load_posterior
from ._protocol import (
    SavedFolder,
    StudyResult,
    copy_folder,
    copy_study_folder,
    refuse_another,
    relocated_extends,
)
from ._replication import RepOutput, Task
from ._results import Comparison, Results, read_comparison, read_results
from ._studies import (
    Progress,
    StudyJob,
    check_run_size,
    compare,
    execute_jobs,
    replicate_jobs,
    run,
    sweep,
    validated,
)
from ._sweep import SweepResult, parse_vary, path_reach, paths_overlap, read_sweep

__all__ = [
    "CheckpointError",
    "Checkpoints",
    "Comparison",
    "MANIFEST",
    "POSTERIOR_FILE",
    "Progress",
    "RepOutput",
    "Results",
    "SavedFolder",
    "StudyJob",
    "StudyResult",
    "SweepResult",
    "Task",
    "check_run_size",
    "claim",
    "compare",
    "copy_folder",
    "copy_study_folder",
    "execute_jobs",
    "extends_from",
    "folder_kind",
    "load_posterior",
    "outputs",
    "parse_vary",
    "path_reach",
    "paths_overlap",
    "published",
    "read_comparison",
    "read_manifest",
    "read_results",
    "read_sources",
    "read_sweep",
    "refuse_another",
    "relocated_extends",
    "replicate_jobs",
    "run",
    "sweep",
    "validated",
    "write_sources",
    "writing",
]
