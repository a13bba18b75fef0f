"""Print the demand weights and overdispersion used in scenarios/durham_2022.yaml from the
shipped data files."""

from heart_sim.scenario._profiles import milwaukee_overdispersion, milwaukee_weights

hourly, daily = milwaukee_weights()
print(f"  hourly_weights: {hourly}")
print(f"  daily_weights: {daily}")
od = milwaukee_overdispersion()
print(
    f"  overdispersion: {od['cv']:.3f}  # {od['days']} days, mean {od['mean']:.1f}, "
    f"variance/mean {od['variance_to_mean']:.2f}, 95% range {od['cv_low']:.3f}-{od['cv_high']:.3f}"
)
