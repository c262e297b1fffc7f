"""The fixed words of the field that every other module shares.

Kept in one place so that a scenario file, the model and the dashboard spell a
power base or an intervention the same way.
"""

from __future__ import annotations

#: French & Raven's bases of power, reduced to the four an alliance partner draws on.
POWER_BASES: tuple[str, ...] = ("resources", "authority", "expertise", "network")

#: The sectors partners come from; each has its own sensitivity to the market.
SECTORS: tuple[str, ...] = ("public", "private", "civil", "knowledge")

#: How strongly a sector's outside option follows the market index (see environment.py):
#: firms' alternatives boom and bust with the economy, public bodies' hardly move.
MARKET_SENSITIVITY: dict[str, float] = {
    "public": 0.2,
    "private": 1.0,
    "civil": 0.4,
    "knowledge": 0.6,
}

#: The alliance manager's levers, in the order a responsive manager considers them.
INTERVENTIONS: tuple[str, ...] = (
    "scan_adapt",
    "mediate",
    "build_trust",
    "align_ambition",
    "balance_power",
    "formalise",
)

#: Provan & Kenis' governance modes as the model knows them.
MANAGER_MODES: tuple[str, ...] = ("none", "lead_partner", "independent")

#: Who carries demand risk in a PPS: shared by value shares, the public side, the private side.
PAYMENT_MECHANISMS: tuple[str, ...] = ("shared", "availability", "user_fees")
