"""The SimPy model of one replication: calls arrive, are assessed, dispatched or fall back.

A call's journey is one process that reads like the work: 911 sends it to a CCD clinician
when one is on duty; the clinician resolves it by phone, sends CRT or CoR, or refers it to
police/EMS; otherwise 911 dispatches by call type. Field teams serve calls in their area
while on shift, within a patience; encounters may create Care Navigation follow-ups.

All randomness is drawn up front, per call and per source, from separate streams, so the
same call meets the same times and choices in every scenario (common random numbers).
The model records what happened and computes no statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from .arrivals import arrival_times
from .records import CallRecords, RepRecords
from .routing import SERVED_BY, Outcome, ccd_decision, pick_call_types, serves_area
from .scenario import PROGRAMS, FieldTeam, Scenario
from .staffing import FOLLOWUP, LIVE, PoolMeter, StaffedPool
from .streams import stream

PROGRAM_CODE = {"crt": 1, "cor": 2}


@dataclass
class Draws:
    """Per-call random draws, one array per source of randomness."""

    u_type: np.ndarray
    u_area: np.ndarray
    u_transfer: np.ndarray
    u_decision: np.ndarray
    ccd_phone: np.ndarray
    u_followup: np.ndarray
    followup_time: np.ndarray
    u_cn: np.ndarray
    cn_contact: np.ndarray
    field: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # travel, scene, wrap-up

    @classmethod
    def draw(cls, scenario: Scenario, seed: int, rep: int, n: int) -> Draws:
        p = scenario.programs

        def u(source: str) -> np.ndarray:
            return stream(seed, rep, source).random(n)

        def d(source: str, dist) -> np.ndarray:
            return dist.sample(stream(seed, rep, source), n)

        return cls(
            u_type=u("call_type"),
            u_area=u("area"),
            u_transfer=u("ccd_transfer"),
            u_decision=u("ccd_decision"),
            ccd_phone=d("ccd_phone_time", p.ccd.phone_time),
            u_followup=u("ccd_followup"),
            followup_time=d("ccd_followup_time", p.ccd.followup_time),
            u_cn=u("cn_referral"),
            cn_contact=d("cn_contact_time", p.cn.contact_time),
            field={
                name: (
                    d(f"{name}_travel_time", team.travel_time),
                    d(f"{name}_on_scene_time", team.on_scene_time),
                    d(f"{name}_wrap_up_time", team.wrap_up_time),
                )
                for name, team in (("crt", p.crt), ("cor", p.cor))
            },
        )


class HeartModel:
    """One replication of the HEART system."""

    def __init__(self, scenario: Scenario, seed: int, replication: int):
        self.scenario = scenario
        self.replication = replication
        self.env = simpy.Environment()
        t_end = scenario.end_min
        rates = scenario.demand.hour_of_week_rates()
        times = arrival_times(rates, t_end, stream(seed, replication, "arrivals"))
        n = len(times)
        self.draws = Draws.draw(scenario, seed, replication, n)
        self.types = list(scenario.call_types.values())
        type_index = pick_call_types(self.draws.u_type, self.types)
        pilot_share = np.array([t.pilot_area_share for t in self.types])
        in_pilot = self.draws.u_area < pilot_share[type_index]
        self.calls = CallRecords(times, type_index, in_pilot)
        self.meters = {p: PoolMeter(scenario.start_min, t_end) for p in PROGRAMS}
        progs = scenario.programs
        self.pools = {
            p: StaffedPool(self.env, getattr(progs, p).schedule(), self.meters[p], t_end)
            for p in PROGRAMS
        }
        self.env.process(self._arrivals())

    def run(self) -> RepRecords:
        self.env.run(until=self.scenario.end_min)
        for name, pool in self.pools.items():
            self.meters[name].advance(self.scenario.end_min, pool.staffed, pool.busy, pool.waiting)
        return RepRecords(
            self.replication,
            self.scenario.start_min,
            self.scenario.end_min,
            self.calls,
            self.meters,
        )

    # -- processes -----------------------------------------------------------------------

    def _arrivals(self):
        env = self.env
        for i, t in enumerate(self.calls.t_arrive):
            yield env.timeout(t - env.now)
            env.process(self._call(int(i)))

    def _call(self, i: int):
        """A behavioral-health call from the moment 911 receives it."""
        env, rec, draws = self.env, self.calls, self.draws
        ctype = self.types[rec.call_type[i]]
        ccd_cfg = self.scenario.programs.ccd
        ccd = self.pools["ccd"]
        target = ctype.direct
        if (
            ccd.is_open
            and draws.u_transfer[i] < ctype.ccd_transfer
            and serves_area(ccd_cfg.area, rec.in_pilot[i])
        ):
            answered = yield ccd.request(LIVE, ccd_cfg.answer_patience_min)
            rec.ccd_wait[i] = env.now - rec.t_arrive[i]
            if answered:
                rec.ccd_answered[i] = True
                yield env.timeout(draws.ccd_phone[i])
                ccd.release()
                decision = ccd_decision(draws.u_decision[i], ctype.ccd_decision)
                if draws.u_cn[i] < ccd_cfg.cn_referral_prob:
                    self._refer_to_cn(i)
                if decision == "resolve":
                    rec.outcome[i] = Outcome.CCD_RESOLVED
                    if draws.u_followup[i] < ccd_cfg.followup_prob:
                        env.process(self._ccd_followup(i))
                    return
                if decision == "refer":
                    rec.outcome[i] = Outcome.FALLBACK_REFERRED
                    return
                target = decision
        yield from self._dispatch(i, target)

    def _dispatch(self, i: int, program: str):
        """911 asks a field program (CRT or CoR) for a team; police/EMS if none can come."""
        env, rec = self.env, self.calls
        team: FieldTeam = getattr(self.scenario.programs, program)
        pool = self.pools[program]
        if not pool.is_open:
            rec.outcome[i] = Outcome.FALLBACK_OUT_OF_HOURS
            return
        if not serves_area(team.area, rec.in_pilot[i]):
            rec.outcome[i] = Outcome.FALLBACK_OUT_OF_AREA
            return
        rec.dispatched_to[i] = PROGRAM_CODE[program]
        t_request = env.now
        got_team = yield pool.request(LIVE, team.patience_min)
        rec.dispatch_wait[i] = env.now - t_request
        if not got_team:
            rec.outcome[i] = Outcome.FALLBACK_NO_UNIT
            return
        rec.outcome[i] = SERVED_BY[program]
        rec.t_unit_start[i] = env.now
        travel, scene, wrap = (a[i] for a in self.draws.field[program])
        rec.response_time[i] = env.now - t_request + travel
        yield env.timeout(travel + scene + wrap)
        pool.release()
        if self.draws.u_cn[i] < team.cn_referral_prob:
            self._refer_to_cn(i)

    def _refer_to_cn(self, i: int) -> None:
        """At most one CN referral per call, and only inside CN's area."""
        rec = self.calls
        if np.isnan(rec.cn_referred[i]) and serves_area(
            self.scenario.programs.cn.area, rec.in_pilot[i]
        ):
            rec.cn_referred[i] = self.env.now
            self.env.process(self._cn_followup(i))

    def _cn_followup(self, i: int):
        """Care Navigation contacts the person; referrals wait over nights and weekends."""
        env, rec, cn = self.env, self.calls, self.pools["cn"]
        yield cn.request(LIVE, None, persistent=True)
        rec.cn_start[i] = env.now
        yield env.timeout(self.draws.cn_contact[i])
        cn.release()

    def _ccd_followup(self, i: int):
        """A clinician calls the person back, when no live call needs them."""
        env, rec, ccd = self.env, self.calls, self.pools["ccd"]
        rec.fu_created[i] = env.now
        yield ccd.request(FOLLOWUP, None, persistent=True)
        rec.fu_start[i] = env.now
        yield env.timeout(self.draws.followup_time[i])
        ccd.release()


def simulate(scenario: Scenario, seed: int, replication: int) -> RepRecords:
    """Run one replication and return its records."""
    return HeartModel(scenario, seed, replication).run()
