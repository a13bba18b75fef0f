"""``python -m heart_sim`` runs the command line."""

from heart_sim.cli import app

if __name__ == "__main__":  # not again in a worker process started by spawn
    app(prog_name="heart-sim")
