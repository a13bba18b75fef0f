"""What to do: service goals, iterative staffing, shift cover by integer programming,
the targets search (``heart-sim optimize``) and budget mode with its options files."""

from __future__ import annotations

from ._budget import COST, BudgetResult, budget_markdown, budget_study, read_budget
from ._budgetfile import BASE, load_options, options_json_schema
from ._folder import read_optimization
from ._goals import parse_goal
from ._hours import parse_hours, parse_start
from ._markdown import optimize_markdown
from ._optimize import optimize
from ._plans import MAX_UNITS
from ._result import OptimizeError, OptimizeResult, recommended_overtime
from ._search import MAX_REPS, MIN_REPS, TOLERANCE

__all__ = [
    "options_json_schema",
    "optimize_markdown",
    "recommended_overtime",
    "budget_markdown",
    "BASE",
    "BudgetResult",
    "COST",
    "MAX_REPS",
    "MAX_UNITS",
    "MIN_REPS",
    "TOLERANCE",
    "OptimizeError",
    "OptimizeResult",
    "budget_study",
    "load_options",
    "optimize",
    "parse_goal",
    "parse_hours",
    "parse_start",
    "read_budget",
    "read_optimization",
]
