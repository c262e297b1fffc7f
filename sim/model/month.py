"""The core of a month, compiled: its stages chained by :func:`month_stages`, one call for a
quiet month: the context's move and everyone's reading of it (:func:`reading`); commitment,
execution and assessment (:func:`live_month`), which also keeps the alliance's running
figures (:class:`~sim.model.figures.Figure`); and the alliance manager's reading, observation and choice of
levers (:func:`managing`). A negotiation round is one call of its own (:func:`negotiation`).

Ring & Van de Ven's (1994) cycle, from the moment the agreement stands to the partners'
verdict on it: each partner decides what to put in, the joint effort creates value that
is shared under the agreement's risk allocation, and each partner weighs what it got
against its aspiration and its outside option, watches the others keep their promises
(trust) and adds to the alliance's relational capital. The formulas are the mechanism
modules' own (compiled where they are written, see :mod:`sim.model.compiled`); this module
only chains them, so that a quiet month costs one call instead of some sixty.

What happens rarely and changes the structure of the alliance (a negotiation, an exit, an
election, the effect of an intervention) stays in :class:`~sim.model.model.AllianceModel`
and the manager's levers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import auto
from typing import Any

import numpy as np

from sim.model.alliance import (
    DEMAND_RISK,
    EFFORT,
    PERFORMANCE_RISK,
    SHARES,
    build_relational_capital,
)
from sim.model.assessment import accumulate_disappointment, satisfaction, update_aspiration
from sim.model.bargaining import (
    balanced_weights,
    effective_power,
    goal_fit,
    mediated_agenda,
    mission_value,
    nash_shares,
    reservation_shares,
    settle_chance,
    split_the_difference,
    tilted,
)
from sim.model.commitment import contribution_intent, enforced_contribution, opportunism, resentment
from sim.model.compiled import compiled, summed
from sim.model.environment import DRIFT, HOME, NOISE, REVERSION, SHOCK, STATE, moved, softmax
from sim.model.figures import Figure
from sim.model.interventions import ALARMS, urgencies
from sim.model.partners import (
    ACTIVE,
    ASPIRATION,
    ASPIRATION_RATE,
    BELIEFS,
    CAPACITY,
    CONTRIBUTION,
    CUM_MISSION,
    CUM_OUTSIDE,
    CUM_PAYOFF,
    CUM_RECEIVED,
    DISAPPOINTMENT,
    GOAL_DISTANCE,
    IDEALS,
    INTENT,
    MARKET_BETA,
    MISSION,
    OUTSIDE_BASE,
    OUTSIDE_OPTION,
    PAYOFF,
    POWER,
    PREVIOUS_CONTRIBUTION,
    RECEIVED,
    RESOURCE_PROFILE,
    SALIENCE,
    SATISFACTION,
    TEMPTATION,
    TRUST,
    TRUST_BUILD_RATE,
    TRUST_DOWN,
    TRUST_UP,
    WEIGHT,
    outside_options,
)
from sim.model.perception import update_beliefs
from sim.model.risk import distribute, public_gap_parts
from sim.model.slots import Slot
from sim.model.standing import standing_after
from sim.model.trust import (
    approach,
    erode_trust,
    improved,
    kept_promise,
    mean_trust,
    mean_trust_in_others,
    observed_cooperation,
    repair_rates,
)
from sim.model.value import (
    conflict_among,
    context_fit,
    coordination_cost,
    demand_effect,
    gross_value,
    mean_over_pairs,
    potential_value,
    resource_bundle,
)


@compiled
def reading(
    state: np.ndarray,
    long_run: np.ndarray,
    reversion: np.ndarray,
    drift: np.ndarray,
    noise: np.ndarray,
    n_issues: int,
    shock: np.ndarray,
    log_salience_home: np.ndarray,
    beliefs: np.ndarray,
    perception_noise: float,
    perception_rate: float,
    draws: np.ndarray,
    power: np.ndarray,
    active: np.ndarray,
    n_active: float,
    outside_base: np.ndarray,
    market_beta: np.ndarray,
    power_balance: float,
    balance_decay: float,
    home: int,
    pull: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """The start of a month: the context moves (see :func:`sim.model.environment.moved`, with
    its ``noise`` and ``shock``), and the partners take it in: their beliefs after this
    month's reading of it, the weight of each power base now, their outside options, and the
    bargaining weights (effective power, moved toward equality by a balance that fades unless
    renewed, and tilted toward ``home`` by a partisan manager's ``pull``; ``home`` is -1 when
    nobody pulls).

    Returns ``(state, beliefs, power_salience, outside_options, power_balance, weights)``.
    """
    state = moved(state, long_run, reversion, drift, noise, n_issues, shock)
    beliefs = update_beliefs(beliefs, state[:n_issues], perception_noise, perception_rate, draws)
    salience = softmax(log_salience_home + state[n_issues:-1])
    outside = outside_options(outside_base, market_beta, state[-1])
    balance = power_balance * (1.0 - balance_decay)
    weights = balanced_weights(effective_power(power, salience, active), balance, active, n_active)
    if home >= 0:
        weights = tilted(weights, home, pull)
    return state, beliefs, salience, outside, balance, weights


@compiled
def month_stages(
    rules: np.ndarray,
    read: bool,
    live: bool,
    manage: bool,
    # the context (its table's state moved in place) and the partners' reading of it (salience
    # and outside filled in place)
    context_table: np.ndarray,
    n_issues: int,
    log_salience_home: np.ndarray,
    perception_draws: np.ndarray,
    salience: np.ndarray,
    power_balance: float,
    balance_decay: float,
    # the partners (their beliefs, a layer of their issues, filled in place; the ledger's rows,
    # their weights and outside options among them, updated in place)
    issues: np.ndarray,
    bases: np.ndarray,
    relations: np.ndarray,
    ledger: np.ndarray,
    profile: np.ndarray,
    n_active: float,
    # the month's work under the agreement
    formed: bool,
    demand_error: float,
    observation_draws: np.ndarray,
    agenda: np.ndarray,
    terms: np.ndarray,
    expected_value: float,
    public_performance: float,
    public_demand: float,
    renegotiated: bool,
    relational_capital: float,
    formalisation: float,
    visibility: float,
    brokerage: float,
    manager_fee: float,
    home: int,
    partisanship: float,
    pull: float,
    in_deadlock: bool,
    figures: np.ndarray,
    # the partners' verdict: quiet while the largest disappointment stays below this
    voice_floor: float,
    # the manager (its belief filled in place)
    belief: np.ndarray,
    manager_draws: np.ndarray,
    previous_trust: float,
    negotiation_due: bool,
    deadlocked: bool,
    shock_seen: bool,
    manager_home: int,
    position: float,
    capacity_m: float,
    mandate: float,
    legitimacy: float,
    levers: np.ndarray,
    routine: bool,
    order: np.ndarray,
) -> tuple[float, float, float, bool, float, float, float, float, int]:
    """The stages of a month in one call: ``read`` (:func:`reading`: the context moves and
    the partners take it in), ``live`` (:func:`live_month`: commitment, execution and
    assessment) and ``manage`` (:func:`managing`, once the partners' verdict is quiet: nobody's
    disappointment reaches ``voice_floor``). A quiet month runs all three in one call; a
    month with an election or a negotiation stops after reading and comes back for the rest,
    and a month with a verdict to judge comes back for the manager after it.

    Returns ``(power_balance, relational_capital, worst_disappointment, managed, mandate,
    legitimacy, capacity_left, mean_trust, n_levers)``: the figures of the stages run, the
    inputs where a stage did not run; the levers to pull are the first ``n_levers`` of
    ``order`` (filled in place, as long as ``levers``; none when the manager did not run). The partners' vectors are the
    rows of their ``ledger`` and ``profile`` (see :data:`sim.model.partners.LEDGER`), the
    context's those of its ``context_table`` (see :data:`sim.model.environment.TABLE`), the
    partners' points in issue space the layers of their ``issues``.
    """
    active, satisfied = ledger[ACTIVE], ledger[SATISFACTION]
    weights, outside = ledger[WEIGHT], ledger[OUTSIDE_OPTION]
    beliefs, power, trust = issues[BELIEFS], bases[POWER], relations[TRUST]
    outside_base, market_beta = profile[OUTSIDE_BASE], profile[MARKET_BETA]
    state = context_table[STATE]
    worst = 0.0
    if read:
        moved_state, new_beliefs, new_salience, new_outside, power_balance, new_weights = reading(
            state,
            context_table[HOME],
            context_table[REVERSION],
            context_table[DRIFT],
            context_table[NOISE],
            n_issues,
            context_table[SHOCK],
            log_salience_home,
            beliefs,
            rules[Rule.perception_noise],
            rules[Rule.perception_rate],
            perception_draws,
            power,
            active,
            n_active,
            outside_base,
            market_beta,
            power_balance,
            balance_decay,
            home,
            pull,
        )
        state[:] = moved_state
        beliefs[:] = new_beliefs
        salience[:] = new_salience
        outside[:] = new_outside
        weights[:] = new_weights
    if live:
        # What demand really is includes the forecast error nobody knew when the deal was made.
        relational_capital, worst = live_month(
            rules,
            formed,
            issues,
            relations,
            bases,
            ledger,
            profile,
            n_active,
            state[:n_issues],
            state[-1] + demand_error,
            observation_draws,
            agenda,
            terms,
            expected_value,
            public_performance,
            public_demand,
            renegotiated,
            relational_capital,
            formalisation,
            visibility,
            brokerage,
            manager_fee,
            home,
            partisanship,
            in_deadlock,
            figures,
        )
        manage = manage and worst < voice_floor
    trust_now, n_levers = previous_trust, 0
    if manage:
        new_belief, mandate, legitimacy, capacity_m, trust_now, chosen = managing(
            rules,
            belief,
            state[:n_issues],
            manager_draws,
            agenda,
            formed,
            trust,
            active,
            n_active,
            satisfied,
            weights,
            figures,
            previous_trust,
            negotiation_due,
            deadlocked,
            shock_seen,
            manager_home,
            position,
            partisanship,
            capacity_m,
            mandate,
            legitimacy,
            levers,
            routine,
            rules[ALARM_RULES_START:ALARM_RULES_STOP],
        )
        belief[:] = new_belief
        n_levers = chosen.size
        order[:n_levers] = chosen
    return (
        power_balance,
        relational_capital,
        worst,
        manage,
        mandate,
        legitimacy,
        capacity_m,
        trust_now,
        n_levers,
    )


class Rule(Slot):
    """The parameters a month reads, fixed for a run (names as in the parameter table): the
    positions of a run's rules in the array the compiled month reads (:func:`rules_of`)."""

    satisfaction_pull = auto()
    goal_fit_pull = auto()
    relational_pull = auto()
    goal_fit_reference = auto()
    resentment = auto()
    contract_floor = auto()
    fit_bandwidth = auto()
    complementarity = auto()
    productivity = auto()
    diversity_gain = auto()
    relational_gain = auto()
    innovation_loss = auto()
    coordination_cost = auto()
    conflict_weight = auto()
    monitoring_cost = auto()
    demand_sensitivity = auto()
    renegotiation_cost = auto()
    mission_weight = auto()
    contribution_cost = auto()
    satisfaction_scale = auto()
    disappointment_memory = auto()
    crowding_out = auto()
    observation_noise = auto()
    visibility_gain = auto()
    repair_boost = auto()
    capital_growth = auto()
    capital_decay = auto()
    dominance_distrust = auto()
    partisan_suspicion = auto()
    perception_noise = auto()
    perception_rate = auto()
    legitimacy_rate = auto()
    partisan_distrust = auto()
    mandate_rate = auto()
    native_penalty = auto()
    unbacked_capacity = auto()
    context_weight = auto()
    misfit_scale = auto()
    expectation_noise = auto()
    settle_chance = auto()
    steering = auto()
    mediation_settle = auto()
    # the levers' alarms, in the order of interventions.ALARMS (read as one slice)
    drift_alert = auto()
    trust_alarm = auto()
    conflict_alarm = auto()
    dominance_alarm = auto()
    opportunism_alarm = auto()


#: The rules' names, in their order.
RULES: tuple[str, ...] = tuple(Rule.__members__)
#: Where the levers' alarms sit among the rules (a slice, in the order of ALARMS).
ALARM_RULES_START, ALARM_RULES_STOP = int(Rule.drift_alert), int(Rule.opportunism_alarm) + 1
assert RULES[ALARM_RULES_START:ALARM_RULES_STOP] == ALARMS, "the alarms must follow ALARMS"


def rules_of(params: Mapping[str, Any]) -> np.ndarray:
    """A run's rules as the compiled month reads them: one number per :class:`Rule`, read as
    ``rules[Rule.name]``."""
    return np.array([float(params[name]) for name in RULES])


@compiled
def managing(
    rules: np.ndarray,
    belief: np.ndarray,
    context: np.ndarray,
    draws: np.ndarray,
    agenda: np.ndarray,
    formed: bool,
    trust: np.ndarray,
    active: np.ndarray,
    n_active: float,
    satisfied: np.ndarray,
    weights: np.ndarray,
    figures: np.ndarray,
    previous_trust: float,
    negotiation_due: bool,
    deadlocked: bool,
    shock_seen: bool,
    home: int,
    position: float,
    partisanship: float,
    capacity: float,
    mandate: float,
    legitimacy: float,
    levers: np.ndarray,
    routine: bool,
    alarms: np.ndarray,
) -> tuple[np.ndarray, float, float, float, float, np.ndarray]:
    """The alliance manager's month up to its choice of levers: its own reading of the context
    (``draws``), what it sees (the agenda's fit to where it *believes* value lies, trust and
    whether it fell, dominance, the last month's conflict and opportunism from the alliance's
    ``figures``, and the flags the model passes), its
    standing after a month of an agreement, the capacity that standing leaves, and the levers
    to try in order: all of ``levers`` (registry codes, in the manager's usual order) for a
    ``routine`` manager, else those whose alarm rings, most urgent first (ties in the usual
    order). ``home`` is -1 for an independent manager.

    Returns ``(belief, mandate, legitimacy, capacity_left, mean_trust, order)``.
    """
    r = rules
    belief = update_beliefs(
        belief, context, r[Rule.perception_noise], r[Rule.perception_rate], draws
    )
    trust_now = mean_trust(trust, active, n_active)
    if formed:  # before the first deal there is no record to judge the manager by
        mandate, legitimacy = standing_after(
            satisfied,
            active,
            home,
            position,
            partisanship,
            mandate,
            legitimacy,
            r[Rule.legitimacy_rate],
            r[Rule.partisan_distrust],
            r[Rule.mandate_rate],
            r[Rule.native_penalty],
        )
    floor = r[Rule.unbacked_capacity]
    capacity_left = capacity * (floor + (1.0 - floor) * mandate)
    if routine:
        return belief, mandate, legitimacy, capacity_left, trust_now, levers.copy()
    pressing = urgencies(
        negotiation_due,
        deadlocked,
        shock_seen,
        context_fit(agenda, belief, r[Rule.fit_bandwidth]) if formed else 1.0,
        trust_now,
        trust_now < previous_trust - 0.005,
        figures[Figure.conflict],
        float(weights.max() * n_active),
        figures[Figure.opportunism],
        alarms,
    )[levers]
    ringing = np.flatnonzero(pressing > 0.0)
    order = levers[ringing[np.argsort(-pressing[ringing], kind="mergesort")]]
    return belief, mandate, legitimacy, capacity_left, trust_now, order


@compiled
def negotiation(
    rules: np.ndarray,
    ideals: np.ndarray,
    salience: np.ndarray,
    weights: np.ndarray,
    joint_map: np.ndarray,
    lucky: float,
    settling: float,
    estimates: np.ndarray,
    mediation: float,
    outside: np.ndarray,
    market: float,
    trust: np.ndarray,
    active: np.ndarray,
    n_active: float,
    satisfied: np.ndarray,
    temptation: np.ndarray,
    capacity: np.ndarray,
    resource_profile: np.ndarray,
    goal_distance: np.ndarray,
    relational_capital: float,
    formalisation: float,
    brokerage: float,
    manager_fee: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray, bool, bool, bool]:
    """One round of negotiation over a joint agenda and the split of the value.

    Unaided, the partners split the difference between their ideals, pulled toward their
    ``joint_map`` of where value lies; a mediator (with chance ``mediation``, drawn as
    ``lucky``) finds an integrative agenda every partner prefers. Each partner's commitment
    to that agenda sets the value they expect (on their map and the ``market`` as they know
    it, each estimate off by its ``estimates`` draw); the Nash split over the surplus above
    each reservation is the deal, if there is room for one, and it settles with the chance
    consensus among them allows (drawn as ``settling``).

    Returns ``(agenda, intent, contribution, expected_value, shares, room, settled,
    integrative)``; without ``room``, ``shares`` is empty.
    """
    r = rules
    follow = r[Rule.context_weight]
    agenda = (1.0 - follow) * split_the_difference(ideals, weights) + follow * joint_map
    integrative = lucky < mediation
    if integrative:  # the mediator improves on the unaided deal for every partner, and for
        # the joint effort: where the partners believe value lies counts as one more party
        n, k = ideals.shape
        parties, cares, pulls = np.empty((n + 1, k)), np.empty((n + 1, k)), np.empty(n + 1)
        parties[:n], parties[n] = ideals, joint_map
        cares[:n], cares[n] = salience, 1.0 / k
        pulls[:n], pulls[n] = (1.0 - follow) * weights, follow
        agenda = mediated_agenda(parties, cares, pulls, agenda)
    fit = goal_fit(agenda, ideals, salience, r[Rule.misfit_scale])
    intent, contribution = commitment(
        rules,
        trust,
        active,
        n_active,
        satisfied,
        fit,
        relational_capital,
        temptation,
        weights,
        formalisation,
    )
    expected = net_value(
        rules,
        contribution,
        agenda,
        joint_map,
        market,
        trust,
        active,
        n_active,
        capacity,
        resource_profile,
        goal_distance,
        relational_capital,
        formalisation,
        brokerage,
        manager_fee,
    )[0]
    perceived = expected * (1.0 + r[Rule.expectation_noise] * estimates)
    costs = r[Rule.contribution_cost] * contribution * capacity
    reservation = reservation_shares(
        outside, costs, mission_value(fit, expected, n_active, r[Rule.mission_weight]), perceived
    )
    deal = nash_shares(reservation, weights, active)
    if deal is None:
        return agenda, intent, contribution, expected, np.zeros(0), False, False, integrative
    chance = settle_chance(
        weights,
        int(n_active),
        r[Rule.settle_chance],
        r[Rule.steering],
        r[Rule.mediation_settle] * mediation,
        brokerage,
    )
    return agenda, intent, contribution, expected, deal, True, settling < chance, integrative


@compiled
def live_month(
    rules: np.ndarray,
    formed: bool,
    # the partners: their trust (a layer of their relations) and the ledger's rows updated in
    # place, the rest read (this month's bargaining weights and outside options among the rows)
    issues: np.ndarray,
    relations: np.ndarray,
    bases: np.ndarray,
    ledger: np.ndarray,
    profile: np.ndarray,
    n_active: float,
    # this month
    context: np.ndarray,
    demand: float,
    observation_draws: np.ndarray,
    # the agreement (ignored before the first one)
    agenda: np.ndarray,
    terms: np.ndarray,
    expected_value: float,
    public_performance: float,
    public_demand: float,
    renegotiated: bool,
    # the alliance and its manager
    relational_capital: float,
    formalisation: float,
    visibility: float,
    brokerage: float,
    manager_fee: float,
    home: int,
    partisanship: float,
    in_deadlock: bool,
    figures: np.ndarray,
) -> tuple[float, float]:
    """One month from commitment to assessment: the partners' state arrays and the alliance's
    ``figures`` (see :class:`~sim.model.figures.Figure`) are updated in place; returns the relational capital
    after the month and the largest disappointment of any partner (who is near voice or exit).

    ``demand`` is the market as it really is (forecast error included); ``home`` is the
    index of a partisan manager's home organisation (-1 for none) and ``partisanship`` how
    much it pulls for it; ``in_deadlock`` whether the partners wait to negotiate again after
    a deadlock.
    """
    r = rules
    trust, goal_distance = relations[TRUST], relations[GOAL_DISTANCE]
    trust_up, trust_down = relations[TRUST_UP], relations[TRUST_DOWN]
    shares, effort = terms[SHARES], terms[EFFORT]
    performance_risk, demand_risk = terms[PERFORMANCE_RISK], terms[DEMAND_RISK]
    weights, outside = ledger[WEIGHT], ledger[OUTSIDE_OPTION]
    intent, contribution, previous_contribution = (
        ledger[INTENT],
        ledger[CONTRIBUTION],
        ledger[PREVIOUS_CONTRIBUTION],
    )
    received, mission, payoff = ledger[RECEIVED], ledger[MISSION], ledger[PAYOFF]
    satisfied, aspiration = ledger[SATISFACTION], ledger[ASPIRATION]
    disappointment, active = ledger[DISAPPOINTMENT], ledger[ACTIVE]
    cum_received, cum_payoff = ledger[CUM_RECEIVED], ledger[CUM_PAYOFF]
    cum_outside, cum_mission = ledger[CUM_OUTSIDE], ledger[CUM_MISSION]
    capacity, temptation = profile[CAPACITY], profile[TEMPTATION]
    aspiration_rate, trust_build_rate = profile[ASPIRATION_RATE], profile[TRUST_BUILD_RATE]
    value = potential = coordination = fit = friction = gap = renegotiation = 0.0
    opportunism_level = 0.0
    previous_contribution[:] = contribution
    if formed:
        # How well the agreed agenda serves each partner's goals as they stand now.
        served = goal_fit(agenda, issues[IDEALS], issues[SALIENCE], r[Rule.misfit_scale])
        # Commitment: conditional cooperation, lifted to the contract's floor.
        intent[:], contribution[:] = commitment(
            rules,
            trust,
            active,
            n_active,
            satisfied,
            served,
            relational_capital,
            temptation,
            weights,
            formalisation,
        )
        # Execution: value in the true context, net of coordination and the manager's fee.
        value, base, potential, coordination, fit, friction = net_value(
            rules,
            contribution,
            agenda,
            context,
            demand,
            trust,
            active,
            n_active,
            capacity,
            bases[RESOURCE_PROFILE],
            goal_distance,
            relational_capital,
            formalisation,
            brokerage,
            manager_fee,
        )
        loss = 0.0
        if renegotiated:  # the transaction cost of reopening the deal
            loss = r[Rule.renegotiation_cost] * max(value, 0.0)
            value -= loss
            base -= loss
        received[:] = distribute(shares, expected_value, base, value, performance_risk, demand_risk)
        gap, renegotiation = public_gap_parts(
            public_performance, public_demand, expected_value, base, value, loss
        )
        mission[:] = mission_value(served, value, n_active, r[Rule.mission_weight]) * active
    else:
        contribution[:] = 0.0
        received[:] = 0.0
        mission[:] = 0.0
    payoff[:] = received + mission - r[Rule.contribution_cost] * contribution * capacity

    # Assessment: satisfaction against aspiration, the record of disappointment, trust.
    satisfied[:] = satisfaction(payoff, aspiration, outside, r[Rule.satisfaction_scale])
    aspiration[:] = update_aspiration(aspiration, payoff, outside, aspiration_rate)
    cum_received += received
    cum_payoff += payoff * active
    cum_outside += outside * active
    cum_mission += mission
    if formed:
        disappointment[:] = accumulate_disappointment(
            disappointment, payoff, outside, r[Rule.disappointment_memory]
        )
        trust[:, :] = _trust_after(
            rules,
            trust,
            contribution,
            previous_contribution,
            intent,
            effort,
            observation_draws,
            trust_build_rate,
            trust_up,
            trust_down,
            visibility,
            weights,
            n_active,
            home,
            partisanship,
        )
        cooperation = float(contribution.sum() / n_active)
        relational_capital = build_relational_capital(
            relational_capital, cooperation, friction, r[Rule.capital_growth], r[Rule.capital_decay]
        )
        opportunism_level = opportunism(contribution, active, r[Rule.contract_floor])
    f = figures
    f[Figure.value] = value
    f[Figure.total_value] += value
    f[Figure.deadlock_months] += in_deadlock
    if formed:
        f[Figure.potential], f[Figure.coordination] = potential, coordination
        f[Figure.context_fit], f[Figure.conflict], f[Figure.opportunism] = (
            fit,
            friction,
            opportunism_level,
        )
        f[Figure.public_gap] += gap
        f[Figure.public_renegotiation] += renegotiation
        f[Figure.months_formed] += 1.0
        f[Figure.sum_potential] += potential
        f[Figure.sum_coordination] += coordination
        f[Figure.sum_mission] += summed(mission)
        f[Figure.sum_context_fit] += fit
        f[Figure.sum_opportunism] += opportunism_level
    return relational_capital, disappointment.max()


@compiled
def commitment(
    rules: np.ndarray,
    trust: np.ndarray,
    active: np.ndarray,
    n_active: float,
    satisfaction_now: np.ndarray,
    goal_fit: np.ndarray,
    relational_capital: float,
    temptation: np.ndarray,
    weights: np.ndarray,
    formalisation: float,
) -> tuple[np.ndarray, np.ndarray]:
    """What each partner would like to put in and what it puts in (fractions of capacity):
    conditional cooperation, lifted to the contract's floor. A month's commitment and a
    negotiation's expectation of it."""
    r = rules
    intent = contribution_intent(
        mean_trust_in_others(trust, active, n_active),
        satisfaction_now,
        goal_fit,
        relational_capital,
        temptation,
        resentment(weights, active, r[Rule.resentment]),
        r[Rule.satisfaction_pull],
        r[Rule.goal_fit_pull],
        r[Rule.relational_pull],
        r[Rule.goal_fit_reference],
    )
    return intent, enforced_contribution(intent, formalisation, r[Rule.contract_floor]) * active


@compiled
def net_value(
    rules: np.ndarray,
    contribution: np.ndarray,
    agenda: np.ndarray,
    context: np.ndarray,
    demand: float,
    trust: np.ndarray,
    active: np.ndarray,
    n_active: float,
    capacity: np.ndarray,
    resource_profile: np.ndarray,
    goal_distance: np.ndarray,
    relational_capital: float,
    formalisation: float,
    brokerage: float,
    manager_fee: float,
) -> tuple[float, float, float, float, float, float]:
    """Value a month of these contributions creates under this agenda in ``context`` with the
    market at ``demand``: the realised value, the part before the market's demand effect,
    the potential, the coordination cost, the agenda's fit and the conflict. Execution
    passes the true context and demand; a negotiation's expectation the partners' joint map
    and the market as they know it."""
    r = rules
    fit = context_fit(agenda, context, r[Rule.fit_bandwidth])
    friction = conflict_among(goal_distance, trust, active, n_active)
    bundle = resource_bundle(contribution * capacity, resource_profile, r[Rule.complementarity])
    variety_level = mean_over_pairs(goal_distance, active, n_active)  # the variety of views
    potential = potential_value(bundle, variety_level, r[Rule.productivity], r[Rule.diversity_gain])
    gross = gross_value(
        potential,
        fit,
        relational_capital,
        formalisation,
        r[Rule.relational_gain],
        r[Rule.innovation_loss],
    )
    coordination = coordination_cost(
        int(n_active),
        friction,
        r[Rule.coordination_cost],
        formalisation,
        r[Rule.conflict_weight],
        r[Rule.monitoring_cost],
        brokerage,
    )
    base = gross - coordination - manager_fee
    value = base + demand_effect(gross, demand, r[Rule.demand_sensitivity])
    return value, base, potential, coordination, fit, friction


@compiled
def _trust_after(
    rules: np.ndarray,
    trust: np.ndarray,
    contribution: np.ndarray,
    previous: np.ndarray,
    intent: np.ndarray,
    effort: np.ndarray,
    draws: np.ndarray,
    build_rate: np.ndarray,
    up: np.ndarray,
    down: np.ndarray,
    visibility: float,
    weights: np.ndarray,
    n_active: float,
    home: int,
    partisanship: float,
) -> np.ndarray:
    """Trust follows how far each partner was seen to keep its promised effort, counting the
    willing part of it (what the contract enforced is put down to the contract), seen through
    noise that trust building reduces; partisan managers and dominant partners arouse suspicion."""
    r = rules
    willing = contribution - r[Rule.crowding_out] * (contribution - intent)
    noise = r[Rule.observation_noise] * (1.0 - r[Rule.visibility_gain] * visibility)
    seen = observed_cooperation(kept_promise(willing, effort), noise, draws)
    if visibility > 0:  # repaired rates, capped as trust.learning_rates caps every rate
        trust = approach(
            trust,
            seen,
            np.minimum(
                repair_rates(
                    build_rate, improved(contribution, previous), r[Rule.repair_boost] * visibility
                ),
                1.0,
            ),
            down,
        )
    else:
        trust = approach(trust, seen, up, down)
    excess = np.maximum(weights * n_active - 1.0, 0.0) / max(n_active - 1.0, 1.0)
    suspicion = r[Rule.dominance_distrust] * excess
    if home >= 0 and partisanship > 0:
        suspicion[home] += r[Rule.partisan_suspicion] * partisanship
    return erode_trust(trust, suspicion, 1.0)
