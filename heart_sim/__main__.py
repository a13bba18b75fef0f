"""``python -m heart_sim`` runs the command line."""

from heart_sim.cli import app

app(prog_name="heart-sim")
