"""The SimPy model of one replication: calls arrive, are assessed, dispatched or fall back.

``HeartModel`` reads as one call's journey, top to bottom; each step is a method, in order:

1. ``_arrive``: 911 receives a behavioral-health call. It goes to a CCD clinician when one
   is on duty and the call suits CCD; otherwise 911 dispatches by call type.
2. ``_ccd_assessment`` -> ``_ccd_answered`` -> ``_ccd_talk`` -> ``_ccd_decides``: the call
   waits for a clinician (at most ``answer_patience_min``, then 911 dispatches it), the
   clinician talks, then decides: resolve by phone (perhaps with a follow-up call), send
   CRT or CoR, or refer to police/EMS.
3. ``_dispatch``: CRT/CoR closed -> police/EMS (out of hours); call outside the team's area
   -> police/EMS (out of area); a free team -> serve; else the call waits for a team, at
   most ``patience_min`` (``_team_or_fallback``: a team came, or police/EMS: no unit).
4. ``_serve`` / ``_job_done``: travel, time on scene and wrap-up; then the team is free and
   may refer the person to Care Navigation.
5. Follow-up work that carries over closed hours: ``_refer_to_cn`` -> ``_cn_followup`` ->
   ``_cn_contact`` -> ``_cn_contact_over`` (and again), and ``_ccd_followup`` ->
   ``_ccd_calls_back`` (waits behind live calls).
6. Time away: ``_time_away`` -> ``_away_due`` -> ``_ask_away`` -> ``_go_away`` (a break, a
   CoR officer pulled for police work) takes a unit as a job would, but the unit is
   counted away, not busy.

A call follows the rules of the phase in force when it arrived (its type, routing, times);
staffing follows the phase of the day each shift starts (``rosters``).

Every step is a method called when its wait ends, not a generator process: an arrival, a
call on hold (``StaffedPool.wait``'s ``then``: the pool calls it when a clinician or team
takes the call, or the call gives up), the phone call, a team's job, a follow-up's attempts, a
unit's time away each schedule one timed callback (``simpy_compat.after``) naming the
method that carries on. A step that finds a free unit goes on at once. The arrivals come
from their sorted list and the times away from a timetable made before the run, both fired
by the run loop in SimPy's order without an event each (``simpy_compat.run_until``). A
process would cost two events more (its start and its end) and a generator resumption per
wait; this keeps the events per call well below a plain SimPy program's (see bench/).
Units, shifts, patience and closing are ``staffing.StaffedPool``'s business.

All randomness comes from separate streams per source (drawn for every call, the first
time the run needs that source), so the same call meets the same times and choices in
every scenario (common random numbers).
The model records what happened and computes no statistics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, NamedTuple

import numpy as np

from ..core import FIELD_TEAMS, PROGRAMS, SERVED_BY, Outcome, Program
from ..scenario import MIN_PER_HOUR, CallType, Programs, Scenario, SquareRootTravel
from ._arrivals import calendar_arrival_times
from ._dates import Calendar
from ._gc import gc_paused
from ._records import CallLog, CallRecords, RepRecords
from ._rosters import Away, roster
from ._routing import Decisions, decide, decision_table, pick_call_types
from ._shared import Shared, shared
from ._simpy_compat import Arrivals, Environment, Timetable, after, drop_pending_events, run_until
from ._staffing import AWAY, AWAY_NOW, FOLLOWUP, LIVE, PoolMeter, StaffedPool, Unit
from ._streams import stream
from ._zones import ZoneTable, draw_zones


class FieldTimes(NamedTuple):
    """A field program's minutes per call, if it serves the call (three lists: no tuple
    per call to make, and a call reads only what it needs); where the call's phase has a
    square-root travel model, travel holds the call's random factor instead."""

    travel: list[float]
    busy: list[float]  # travel + rest
    rest: list[float]  # on scene + wrap-up (+ transport)
    # whether each call, if served, ends in a transport (None: no phase has one); its
    # time is in busy and in rest: it adds to the team's job and nothing else
    transported: np.ndarray | None


class _ByName(dict):
    """A dict whose values are made (by ``make(key)``) the first time they are read."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.make(key)
        return value


class Draws:
    """Per-call random draws, one list per source of randomness (lists: fast to index),
    with times from the distributions of each call's arrival phase. Every phase samples
    the same streams, so phases (and scenarios) share their randomness.

    A source is drawn the first time the run reads it: one no call reaches (CCD's, when
    no call goes to CCD) costs nothing. Each source has its own stream, so when it is
    drawn changes no number."""

    def __init__(
        self,
        phases: list[Scenario],
        phase: np.ndarray,
        type_index: np.ndarray,
        seed: int,
        rep: int,
        n: int,
    ) -> None:
        self.src = src = _Sources(phases, phase, type_index, seed, rep, n)
        # program -> its FieldTimes
        self.field_time: dict[str, FieldTimes] = _ByName(lambda p: _field_times(src, p))
        # longest waits per call (math.inf: no limit): "ccd_hold" (911 takes the call
        # back), "ccd_caller" (the caller hangs up), "crt" and "cor" (police/EMS are sent)
        self.patience: dict[str, list[float]] = _ByName(lambda name: _waits(src, name))

    @cached_property
    def u_transfer(self) -> list[float]:
        return self.src.uniform("ccd_transfer")

    @cached_property
    def u_decision(self) -> list[float]:
        return self.src.uniform("ccd_decision")

    @cached_property
    def ccd_phone(self) -> list[float]:
        return self.src.by_phase("ccd_phone_time", lambda sc: sc.programs.ccd.phone_time)

    @cached_property
    def u_followup(self) -> list[float]:
        return self.src.uniform("ccd_followup")

    @cached_property
    def followup_time(self) -> list[float]:
        return self.src.by_phase("ccd_followup_time", lambda sc: sc.programs.ccd.followup_time)

    @cached_property
    def u_cn(self) -> list[float]:
        return self.src.uniform("cn_referral")

    @cached_property
    def cn_contact(self) -> list[float]:
        return self.src.by_phase("cn_contact_time", lambda sc: sc.programs.cn.contact_time)

    @cached_property
    def u_cn_attempts(self) -> list[float]:
        return self.src.uniform("cn_attempts")

    @cached_property
    def call_taking(self) -> list[float] | None:
        """911 call-taking minutes, if the scenario has it."""
        src, taking = self.src, self.src.phases[0].call_taking_time
        if taking is None:
            return None
        return taking.sample(stream(src.seed, src.rep, "call_taking"), src.n).tolist()

    @cached_property
    def u_route(self) -> list[float] | None:
        """911's routing: one uniform per call against sent_to_heart (x the team's
        triage_share when 911 dispatches directly); None when every call goes (every
        share 1)."""
        return self.src.uniform("911_routing") if _routes(self.src.phases) else None


def _routes(phases: list[Scenario]) -> bool:
    """Whether 911 keeps any call from HEART (a share below 1 in some phase)."""
    return any(ct.sent_to_heart < 1 for sc in phases for ct in sc.call_types.values()) or any(
        sc.field_team(p).triage_share < 1 for sc in phases for p in FIELD_TEAMS
    )


@dataclass(frozen=True)
class _Sources:
    """The n calls of one replication as ``Draws`` samples them: each call's phase
    and call type, and the (seed, replication) of the streams. Used once per replication,
    before the simulation starts."""

    phases: list[Scenario]
    phase: np.ndarray
    type_index: np.ndarray
    seed: int
    rep: int
    n: int

    def uniform(self, source: str) -> list[float]:
        """A uniform draw per call."""
        return stream(self.seed, self.rep, source).random(self.n).tolist()

    def times(self, source: str, dist_of) -> np.ndarray:
        """A draw per call from ``dist_of`` its phase (every phase samples the stream)."""
        phases, n = self.phases, self.n
        samples = [_sample(dist_of(sc), stream(self.seed, self.rep, source), n) for sc in phases]
        if len(samples) == 1:
            return samples[0]
        return np.stack(samples)[self.phase, np.arange(n)]

    def by_phase(self, source: str, dist_of) -> list[float]:
        """``times`` as a list (fast to index)."""
        return self.times(source, dist_of).tolist()

    def patience(self, source: str, spec_of) -> list[float]:
        """Each call's patience by its phase and type: a number, or a draw from the
        distribution given (one stream per source, shared by every distribution)."""
        out = np.full(self.n, math.inf)
        drawn: dict[int, np.ndarray] = {}  # one sample per distribution object
        for j, sc in enumerate(self.phases):
            for k, ct in enumerate(sc.call_types.values()):
                spec = spec_of(sc, ct)
                if spec is None:
                    continue
                mine = (self.phase == j) & (self.type_index == k)
                if isinstance(spec, int | float):
                    out[mine] = spec
                else:
                    if id(spec) not in drawn:  # (equal ones would draw the same)
                        drawn[id(spec)] = spec.sample(stream(self.seed, self.rep, source), self.n)
                    out[mine] = drawn[id(spec)][mine]
        return out.tolist()


def _field_times(src: _Sources, name: str) -> FieldTimes:
    """A field program's (travel, busy, on scene + wrap-up) per call, and, if it has a
    transport in some phase, whether each call would end in one."""
    travel = src.times(f"{name}_travel_time", lambda sc: sc.field_team(name).travel_time)
    on_scene = src.times(f"{name}_on_scene_time", lambda sc: sc.field_team(name).on_scene_time)
    _on_scene_by_type(src, name, on_scene)
    wrap_up = src.times(f"{name}_wrap_up_time", lambda sc: sc.field_team(name).wrap_up_time)
    rest = on_scene + wrap_up
    moved = None
    if any(sc.field_team(name).transport is not None for sc in src.phases):
        moved, minutes = _transports(src, name)
        rest = rest + np.where(moved, minutes, 0.0)
    busy = travel + rest
    return FieldTimes(travel.tolist(), busy.tolist(), rest.tolist(), moved)


def _on_scene_by_type(src: _Sources, team: str, on_scene: np.ndarray) -> None:
    """Replace, in place, the on-scene times of the call types a phase gives their own
    (``on_scene_time_by_type``): one stream per team and type, sampled for every call."""
    for j, sc in enumerate(src.phases):
        for k, (ctype, _) in enumerate(sc.call_types.items()):
            dist = sc.field_team(team).on_scene_time_by_type.get(ctype)
            if dist is None:
                continue
            mine = (src.phase == j) & (src.type_index == k)
            rng = stream(src.seed, src.rep, f"{team}_on_scene_time:{ctype}")
            on_scene[mine] = dist.sample(rng, src.n)[mine]


def _transports(src: _Sources, team: str) -> tuple[np.ndarray, np.ndarray]:
    """Whether each call the team serves ends in a transport (its phase's share), and the
    minutes the transport takes (its phase's distribution)."""
    share = np.array(
        [t.share if (t := sc.field_team(team).transport) else 0.0 for sc in src.phases]
    )
    moved = np.asarray(src.uniform(f"{team}_transport")) < share[src.phase]
    # A phase without a transport moves no call; it samples another phase's distribution
    # only so that every phase reads the stream alike.
    given = next(t.time for sc in src.phases if (t := sc.field_team(team).transport))
    minutes = src.times(
        f"{team}_transport_time",
        lambda sc: t.time if (t := sc.field_team(team).transport) else given,
    )
    return moved, minutes


def _waits(src: _Sources, name: str) -> list[float]:
    """The longest waits per call (``Draws.patience``) of one kind: CCD's hold limit
    ("ccd_hold"), the caller's patience ("ccd_caller"), or a field program's (its name;
    the call type's where it sets one)."""
    if name == "ccd_hold":
        return src.patience("ccd_hold", lambda sc, ct: sc.programs.ccd.answer_patience_min)
    if name == "ccd_caller":
        return src.patience(
            "ccd_caller_patience", lambda sc, ct: sc.programs.ccd.caller_patience_min
        )
    if name not in FIELD_TEAMS:
        raise KeyError(name)
    return src.patience(
        f"{name}_patience",
        lambda sc, ct: (
            ct.patience_min if ct.patience_min is not None else sc.field_team(name).patience_min
        ),
    )


def _sample(dist, rng: np.random.Generator, n: int) -> np.ndarray:
    """n draws of a distribution, or of a travel model's random factor."""
    return dist.factors(rng, n) if isinstance(dist, SquareRootTravel) else dist.sample(rng, n)


def _draw_calls(
    scenario: Scenario,
    cal: Calendar,
    phases: list[Scenario],
    table: ZoneTable,
    seed: int,
    replication: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each call's arrival time, phase (index in ``phases``), call type (index in its
    phase's call types) and zone (index in ``table``)."""
    times = calendar_arrival_times(
        scenario,
        cal,
        stream(seed, replication, "arrivals"),
        stream(seed, replication, "demand_days"),
    )
    n = len(times)
    phase = cal.phase_of(times) if len(phases) > 1 else np.zeros(n, dtype=np.int64)
    u_type = stream(seed, replication, "call_type").random(n)
    u_area = stream(seed, replication, "area").random(n)
    type_index = np.zeros(n, dtype=np.int16)
    zone = np.zeros(n, dtype=np.int16)
    for j, sc in enumerate(phases):  # each call by the call types of its phase
        mine = phase == j
        type_index[mine] = pick_call_types(u_type[mine], list(sc.call_types.values()))
        zone[mine] = draw_zones(sc, table, type_index[mine], times[mine], u_area[mine])
    return times, phase, type_index, zone


class _Trips:
    """A field program's square-root travel over the area it serves: the mean trip's
    miles and minutes for each number of free units, worked out the first time it occurs
    (a handful of numbers; a call multiplies both by its own random factor)."""

    __slots__ = ("model", "area", "known")

    def __init__(self, model: SquareRootTravel, area_sq_mi: float) -> None:
        self.model, self.area = model, area_sq_mi
        self.known: dict[int, tuple[float, float]] = {}

    def of(self, free_units: int) -> tuple[float, float]:
        trip = self.known.get(free_units)
        if trip is None:
            trip = self.known[free_units] = self.model.mean_trip(self.area, free_units)
        return trip


def _field_team_tables(
    phases: list[Scenario], table: ZoneTable
) -> tuple[list[dict[str, _Trips | None]], list[dict[str, float]]]:
    """Per phase, what the hot path reads of each field program (not per call): its
    square-root travel over the area it serves (None for travel times drawn directly),
    and the chance a call it served is referred to Care Navigation. Keyed by name, as
    every table the hot path reads (``HeartModel``)."""
    trips: list[dict[str, _Trips | None]] = [
        {
            p.value: (
                _Trips(t, table.area_served(sc, p))
                if isinstance(t := sc.field_team(p).travel_time, SquareRootTravel)
                else None
            )
            for p in FIELD_TEAMS
        }
        for sc in phases
    ]
    cn_prob = [{p.value: sc.field_team(p).cn_referral_prob for p in FIELD_TEAMS} for sc in phases]
    return trips, cn_prob


class _TypeRules:
    """What the hot path reads of a call type (of one phase), as plain attributes: every
    attribute read of a pydantic model goes through its ``__getattr__`` hook, which
    CPython cannot specialise."""

    __slots__ = ("direct", "ccd_transfer", "decisions")

    def __init__(self, ct: CallType) -> None:
        self.direct: str = ct.direct
        self.ccd_transfer: float = ct.ccd_transfer
        self.decisions: tuple[Decisions, str] = decision_table(ct.ccd_decision)


class _PhaseRules:
    """What the hot path reads of a phase's CCD and CN settings, as plain attributes (as
    ``_TypeRules``)."""

    __slots__ = (
        "ccd_cn_referral_prob",
        "ccd_followup_prob",
        "cn_max_attempts",
        "cn_retry_min",
        "cn_success_prob",
    )

    def __init__(self, programs: Programs) -> None:
        ccd, cn = programs.ccd, programs.cn
        self.ccd_cn_referral_prob: float = ccd.cn_referral_prob
        self.ccd_followup_prob: float = ccd.followup_prob
        self.cn_max_attempts: int = cn.max_attempts
        self.cn_retry_min: float = cn.retry_hours * MIN_PER_HOUR
        self.cn_success_prob: float = cn.contact_success_prob


class _Steps:
    """The steps of a call's journey that the run or a pool calls back, bound to the model
    once per replication. CPython 3.11 looks the method up on the type and makes a new
    bound method each time ``self._step`` is read as a value rather than called, and the
    model hands one on at nearly every step of a call (about 1% of a run). Each points
    back at the model: ``HeartModel._tear_down`` lets them go."""

    __slots__ = (
        "taken",
        "ccd_answered",
        "ccd_decides",
        "team_or_fallback",
        "job_done",
        "cn_contact",
        "cn_contact_over",
        "cn_retry",
        "ccd_calls_back",
        "ccd_call_back_over",
        "away_due",
        "away_answered",
        "back",
    )

    taken: Callable[..., None]
    ccd_answered: Callable[..., None]
    ccd_decides: Callable[..., None]
    team_or_fallback: Callable[..., None]
    job_done: Callable[..., None]
    cn_contact: Callable[..., None]
    cn_contact_over: Callable[..., None]
    cn_retry: Callable[..., None]
    ccd_calls_back: Callable[..., None]
    ccd_call_back_over: Callable[..., None]
    away_due: Callable[..., None]
    away_answered: Callable[..., None]
    back: Callable[..., None]

    def __init__(self, model: HeartModel) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(model, "_" + name))


INF = math.inf


def _objects(items: list[Any]) -> np.ndarray:
    """A numpy array of Python objects, to pick per call with an index array (filled one
    by one: numpy would read a pydantic model as a sequence of its fields)."""
    out = np.empty(len(items), dtype=object)
    for k, item in enumerate(items):
        out[k] = item
    return out


class HeartModel:
    """One replication of the HEART system.

    The tables the hot path reads per program (pools, areas, travel, codes) are keyed by
    the program's name, a plain string, as the call types and CCD's decisions name it: a
    dict of str keys is looked up by CPython's fast path, one of ``Program`` keys
    compares every hit generically."""

    def __init__(self, scenario: Scenario, seed: int, replication: int):
        """Set up one replication: draw every call (time, type, zone, then ``Draws``),
        tabulate per call and per phase what the hot path reads, and staff the pools."""
        self.scenario = scenario
        self.replication = replication
        common = shared(scenario)
        cal = self.calendar = common.calendar
        self.env = Environment(initial_time=cal.begin)
        phases = [sc for _, sc in scenario.phase_list()]
        table = ZoneTable.of(scenario)
        times, phase, type_index, zone = _draw_calls(
            scenario, cal, phases, table, seed, replication
        )
        n = len(times)
        in_pilot = table.pilot[zone]
        self.attributes = (times, type_index, in_pilot, zone)
        # Whether each program serves each call's zone, by the phase the call arrived in.
        served = {p: np.stack([table.served(sc, p) for sc in phases]) for p in PROGRAMS}
        self.in_area: dict[str, list[bool]] = {
            p.value: served[p][phase, zone].tolist() for p in PROGRAMS
        }
        self.phase = phase.tolist()
        self.trips, self.cn_prob = _field_team_tables(phases, table)
        self.draws = Draws(phases, phase, type_index, seed, replication, n)
        # Each call's type (its phase's, as the hot path reads it: _TypeRules), priority.
        types = [ct for sc in phases for ct in sc.call_types.values()]  # phase by phase
        first = np.cumsum([0] + [len(sc.call_types) for sc in phases[:-1]])
        which = first[phase] + type_index
        self.call_types = _objects([_TypeRules(ct) for ct in types])[which].tolist()
        self.priority = np.array([ct.priority for ct in types])[which].tolist()
        if self.draws.u_route is not None:  # read only when 911 keeps some calls back
            self.route_share = np.array([ct.sent_to_heart for ct in types])[which].tolist()
            self.triage = [
                {p.value: sc.field_team(p).triage_share for p in FIELD_TEAMS} for sc in phases
            ]
        self.phase_rules = [_PhaseRules(sc.programs) for sc in phases]
        self.t_arrive = times.tolist()
        self.log: Any = CallLog(n)
        self.steps = _Steps(self)
        self._staff(seed, common)
        self.ccd, self.cn = self.pools[Program.CCD], self.pools[Program.CN]
        # read per call: a plain list beats an enum-keyed lookup
        self.in_ccd_area, self.in_cn_area = self.in_area[Program.CCD], self.in_area[Program.CN]
        self.dispatch_code: dict[str, int] = {p.value: p.dispatch_code for p in FIELD_TEAMS}
        self.served_by: dict[str, Outcome] = {p.value: o for p, o in SERVED_BY.items()}

    def _staff(self, seed: int, common: Shared) -> None:
        """Each program's roster: its meter, scheduled unit-minutes by hour and pool of
        units, and its units' times away on the run's timetable."""
        scenario, cal, replication = self.scenario, self.calendar, self.replication
        t0, t1 = scenario.start_min, scenario.end_min
        self.meters: dict[str, PoolMeter] = {p: PoolMeter(t0, t1, cal.begin) for p in PROGRAMS}
        self.scheduled: dict[str, np.ndarray] = {}
        self.pools: dict[str, StaffedPool] = {}
        self.timetable = Timetable(self.env)  # time away, known before the run
        for p in PROGRAMS:
            r = roster(scenario, cal, p, seed, replication, common.lineups[p])
            self.scheduled[p] = common.scheduled[p]
            pool = self.pools[p.value] = StaffedPool(self.env, r.present, self.meters[p])
            for away in r.away:
                self._time_away(pool, away)

    def run(self) -> RepRecords:
        end = self.scenario.end_min
        # The first arrival is scheduled now, as the last thing before the run (its place
        # among events at the same instant depends on it), and forgotten with the run.
        ring = self._arrive if self.draws.call_taking is None else self._on_arrival
        arrivals = Arrivals(self.env, self.t_arrive, ring)
        run_until(self.env, end, arrivals, self.timetable)
        for pool in self.pools.values():
            pool.touch()  # credit the levels that held up to the horizon
        logged = self.log.arrays()
        # (only the programs whose times were drawn: the others served no call)
        for p, times in self.draws.field_time.items():
            if times.transported is not None:
                logged["transported"] |= (
                    logged["outcome"] == self.served_by[p]
                ) & times.transported
        calls = CallRecords(*self.attributes, **logged)
        self._tear_down()
        return RepRecords(
            self.replication,
            self.scenario.start_min,
            end,
            calls,
            self.meters,
            self.scheduled,
            self.calendar,
        )

    def _tear_down(self) -> None:
        """Drop pending events and queues. Events left at the horizon point back at the
        model through their callbacks; without this each replication would leave a
        reference cycle for the garbage collector, and memory would grow with
        replications (measured: 145 MB for 10, 320 MB for 1000 one-week runs)."""
        drop_pending_events(self.env)
        for pool in self.pools.values():
            pool.close_queues()
        del self.steps

    # -- the call's journey --------------------------------------------------------------

    def _on_arrival(self, i: int) -> None:
        """Call ``i`` rings at 911 (the run loop calls this at each arrival time, in order:
        ``simpy_compat.Arrivals``), and the 911 call-taker's time with it comes first
        (without call-taking time, the loop calls ``_arrive`` itself)."""
        assert self.draws.call_taking is not None
        after(self.env, self.draws.call_taking[i], self.steps.taken, i)

    def _taken(self, taken) -> None:
        self._arrive(taken.value)

    def _arrive(self, i: int) -> None:
        """911 receives a behavioral-health call: to a CCD clinician if one is on duty and
        the call suits CCD, otherwise straight to dispatch by call type. Either way 911
        may keep it from HEART (``_sent``)."""
        ctype = self.call_types[i]
        log, direct = self.log, ctype.direct
        ccd_on = log.ccd_open[i] = self.ccd.staffed and self.in_ccd_area[i]
        log.team_open[i] = self.pools[direct].staffed and self.in_area[direct][i]
        if ccd_on and self.draws.u_transfer[i] < ctype.ccd_transfer:
            if self.draws.u_route is None or self._sent(i, self.route_share[i]):
                self._ccd_assessment(i)
        else:
            self._dispatch(i, direct, by_911=True)

    def _sent(self, i: int, share: float) -> bool:
        """Whether 911 sends the call on to HEART (a share of such calls); if not, police/EMS
        go instead (fallback_not_sent). One uniform per call, so a call 911 sent to CCD and
        took back is then triaged with the conditional chance: u < s x t given u < s."""
        assert self.draws.u_route is not None
        if self.draws.u_route[i] < share:
            return True
        self._fall_back(i, Outcome.FALLBACK_NOT_SENT)
        return False

    def _ccd_assessment(self, i: int) -> None:
        """The call reaches CCD: a clinician answers at once if one is free, else the call
        holds for one, at most until 911's hold limit or the caller's patience runs out."""
        env, log, ccd = self.env, self.log, self.ccd
        t_hold = log.t_ccd_hold[i] = env.now
        clinician = ccd.try_acquire()
        if clinician is not None:
            log.ccd_wait[i] = 0.0
            self._ccd_talk(i, clinician)
            return
        hold, caller = self.draws.patience["ccd_hold"][i], self.draws.patience["ccd_caller"][i]
        wait = min(hold, caller)
        ccd.wait(
            partial(self.steps.ccd_answered, i, t_hold),
            LIVE + self.priority[i],
            None if wait == INF else wait,
        )

    def _ccd_answered(self, i: int, t_hold: float, clinician: Unit | None) -> None:
        """The hold is over: a clinician answered, or nobody did in time."""
        env, log = self.env, self.log
        log.ccd_wait[i] = env.now - t_hold
        if clinician is not None:
            self._ccd_talk(i, clinician)
            return
        # Out of the caller's patience: a hang-up. Otherwise 911's hold limit ran out, or
        # CCD closed with the call on hold: 911 takes it back and dispatches directly.
        caller = self.draws.patience["ccd_caller"][i]
        if caller < self.draws.patience["ccd_hold"][i] and env.now - t_hold >= caller - 1e-9:
            log.outcome[i] = Outcome.CALLER_HUNG_UP
        else:
            self._dispatch(i, self.call_types[i].direct, by_911=True)

    def _ccd_talk(self, i: int, clinician: Unit) -> None:
        """The clinician talks with the caller (``_ccd_decides`` when they hang up)."""
        self.log.ccd_answered[i] = True
        after(self.env, self.draws.ccd_phone[i], self.steps.ccd_decides, (i, clinician))

    def _ccd_decides(self, talk) -> None:
        """The clinician is free again and decides: resolve by phone (perhaps with a
        follow-up call), send CRT or CoR, or refer to police/EMS."""
        i, clinician = talk.value
        env, log, draws = self.env, self.log, self.draws
        rules = self.phase_rules[self.phase[i]]
        log.t_ccd_free[i] = env.now
        self.ccd.release(clinician)
        if draws.u_cn[i] < rules.ccd_cn_referral_prob:
            self._refer_to_cn(i)
        decision = decide(draws.u_decision[i], self.call_types[i].decisions)
        if decision == "resolve":
            log.outcome[i] = Outcome.CCD_RESOLVED
            if draws.u_followup[i] < rules.ccd_followup_prob:
                self._ccd_followup(i)
        elif decision == "refer":
            self._fall_back(i, Outcome.FALLBACK_REFERRED)
        else:
            self._dispatch(i, decision)

    def _dispatch(self, i: int, program: str, by_911: bool = False) -> None:
        """911 asks CRT or CoR for a team; police/EMS if none can come. When 911 dispatches
        by itself (``by_911``, not a CCD clinician's decision) it sends the call to the team
        only for the share sent_to_heart x the team's triage_share."""
        log = self.log
        pool = self.pools[program]
        if not pool.staffed:
            self._fall_back(i, Outcome.FALLBACK_OUT_OF_HOURS)
        elif not self.in_area[program][i]:
            self._fall_back(i, Outcome.FALLBACK_OUT_OF_AREA)
        elif (
            by_911
            and self.draws.u_route is not None
            and not self._sent(i, self.route_share[i] * self.triage[self.phase[i]][program])
        ):
            return
        else:
            log.dispatched_to[i] = self.dispatch_code[program]
            unit = pool.try_acquire()
            if unit is not None:
                log.dispatch_wait[i] = 0.0
                self._serve(i, program, self.env.now, unit)
            elif (patience := self.draws.patience[program][i]) == 0:
                log.dispatch_wait[i] = 0.0
                self._fall_back(i, Outcome.FALLBACK_NO_UNIT)
            else:  # the call waits for a free team, at most its patience
                t_request = self.env.now
                priority = LIVE + self.priority[i]
                pool.wait(
                    partial(self.steps.team_or_fallback, i, program, t_request),
                    priority,
                    None if patience == INF else patience,
                )

    def _fall_back(self, i: int, outcome: Outcome) -> None:
        """911 sends police/EMS: the call's outcome and when it happened."""
        self.log.outcome[i] = outcome
        self.log.t_fallback[i] = self.env.now

    def _team_or_fallback(self, i: int, program: str, t_request: float, unit: Unit | None) -> None:
        """The wait is over: a team took the call, or 911 sent police/EMS."""
        self.log.dispatch_wait[i] = self.env.now - t_request
        if unit is not None:
            self._serve(i, program, t_request, unit)
        else:
            self._fall_back(i, Outcome.FALLBACK_NO_UNIT)

    def _serve(self, i: int, program: str, t_request: float, unit: Unit) -> None:
        """A team takes the call: travel, time on scene, wrap-up; then the unit is free."""
        env, log = self.env, self.log
        now = env.now
        log.outcome[i] = self.served_by[program]
        log.t_unit_start[i] = now
        times = self.draws.field_time[program]
        travel, busy = times.travel[i], times.busy[i]
        trips = self.trips[self.phase[i]][program]
        if trips is not None:  # distance to the nearest of the free units
            # unit.free: the units free when this one took the call, itself included
            miles, minutes = trips.of(unit.free)
            log.travel_miles[i] = miles * travel  # travel: the call's random factor
            travel = minutes * travel
            busy = travel + times.rest[i]
        log.travel_time[i] = travel
        log.response_time[i] = now - t_request + travel
        log.t_unit_free[i] = now + busy
        after(env, busy, self.steps.job_done, (i, program, unit))

    def _job_done(self, done) -> None:
        i, program, unit = done.value
        self.pools[program].release(unit)
        referral = self.cn_prob[self.phase[i]][program]
        if referral and self.draws.u_cn[i] < referral:  # (no draw to read if none is)
            self._refer_to_cn(i)

    # -- follow-up work ------------------------------------------------------------------

    def _refer_to_cn(self, i: int) -> None:
        """At most one CN referral per call, and only inside CN's area (one outside it is
        counted as such)."""
        log = self.log
        if log.cn_referred[i] != log.cn_referred[i] and not log.cn_out_of_area[i]:
            if self.in_cn_area[i]:
                log.cn_referred[i] = self.env.now
                self._cn_followup(i)
            else:
                log.cn_out_of_area[i] = True

    def _cn_followup(self, i: int, attempt: int = 1) -> None:
        """Care Navigation tries to reach the person (``_cn_contact``), again after
        retry_hours when an attempt fails, up to max_attempts; referrals wait over nights
        and weekends."""
        navigator = self.cn.try_acquire()
        if navigator is not None:
            self._cn_contact(i, attempt, navigator)
        else:
            self.cn.wait(partial(self.steps.cn_contact, i, attempt), persistent=True)

    def _cn_contact(self, i: int, attempt: int, navigator: Unit | None) -> None:
        """A navigator makes attempt ``attempt``; the attempts needed are geometric, drawn
        from one uniform per call."""
        assert navigator is not None  # follow-up work waits as long as it takes
        log = self.log
        log.cn_attempts[i] = attempt
        if attempt == self._cn_attempts_needed(i):
            log.cn_start[i] = self.env.now
        after(
            self.env, self.draws.cn_contact[i], self.steps.cn_contact_over, (i, attempt, navigator)
        )

    def _cn_contact_over(self, contact) -> None:
        i, attempt, navigator = contact.value
        self.cn.release(navigator)
        rules = self.phase_rules[self.phase[i]]
        if attempt == self._cn_attempts_needed(i):
            return
        if attempt == rules.cn_max_attempts:
            self.log.cn_closed[i] = True  # not reached: the referral closes
            return
        after(self.env, rules.cn_retry_min, self.steps.cn_retry, (i, attempt + 1))

    def _cn_retry(self, retry) -> None:
        self._cn_followup(*retry.value)

    def _cn_attempts_needed(self, i: int) -> int:
        p = self.phase_rules[self.phase[i]].cn_success_prob
        if p >= 1:
            return 1
        return 1 + int(math.log(1 - self.draws.u_cn_attempts[i]) / math.log(1 - p))

    def _ccd_followup(self, i: int) -> None:
        """A clinician calls the person back, when no live call needs them."""
        self.log.fu_created[i] = self.env.now
        clinician = self.ccd.try_acquire()
        if clinician is not None:
            self._ccd_calls_back(i, clinician)
        else:
            self.ccd.wait(partial(self.steps.ccd_calls_back, i), FOLLOWUP, persistent=True)

    def _ccd_calls_back(self, i: int, clinician: Unit | None) -> None:
        assert clinician is not None  # follow-up work waits as long as it takes
        self.log.fu_start[i] = self.env.now
        after(self.env, self.draws.followup_time[i], self.steps.ccd_call_back_over, clinician)

    def _ccd_call_back_over(self, call) -> None:
        self.ccd.release(call.value)

    # -- time away from calls ------------------------------------------------------------

    def _time_away(self, pool: StaffedPool, away: Away) -> None:
        """A break or police duty: from its due time the unit goes when free and no live
        call waits (``AWAY``); from the latest start, as soon as it finishes its job
        (``AWAY_NOW``); not after its shift has ended."""
        self.timetable.after(max(0.0, away.due - self.env.now), self.steps.away_due, (pool, away))

    def _away_due(self, due) -> None:
        pool, away = due.value
        now = self.env.now
        if min(away.latest, away.until) > now:
            self._ask_away(pool, away, AWAY, min(away.latest, away.until) - now)
        elif now < away.until:
            self._ask_away(pool, away, AWAY_NOW, away.until - now)

    def _ask_away(self, pool: StaffedPool, away: Away, priority: int, patience: float) -> None:
        unit = pool.try_acquire()
        if unit is not None:
            self._go_away(pool, away, unit)
        else:
            pool.request(
                priority,
                patience,
                until=away.until,
                then=partial(self.steps.away_answered, pool, away, priority),
            )

    def _away_answered(self, pool: StaffedPool, away: Away, priority: int, unit) -> None:
        """The unit goes; or, its window over, the time away turns urgent; or the shift
        ended first and it does not happen."""
        if unit is not None:
            self._go_away(pool, away, unit)
        elif priority == AWAY and self.env.now < away.until:
            self._ask_away(pool, away, AWAY_NOW, away.until - self.env.now)

    def _go_away(self, pool: StaffedPool, away: Away, unit: Unit) -> None:
        pool.go_away(unit)
        after(self.env, away.duration, self.steps.back, (pool, unit))

    def _back(self, back) -> None:
        pool, unit = back.value
        pool.release(unit)


def simulate(scenario: Scenario, seed: int, replication: int) -> RepRecords:
    """Run one replication and return its records (garbage collection paused: ``_gc``)."""
    with gc_paused():
        return HeartModel(scenario, seed, replication).run()
