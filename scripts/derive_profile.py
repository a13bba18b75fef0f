"""Print the demand weights used in scenarios/durham_2022.yaml from the shipped data file."""

from heart_sim.profiles import milwaukee_weights

hourly, daily = milwaukee_weights()
print(f"  hourly_weights: {hourly}")
print(f"  daily_weights: {daily}")
