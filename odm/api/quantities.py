"""What each numeric field of a response measures, which decides how `units=metric`
converts it. Fields not named here (counts, days, hours, money, ratios) never convert."""

from __future__ import annotations

from odm.units import Quantity

LIQUID = Quantity.LIQUID
GAS = Quantity.GAS

DAILY = {"oil": LIQUID, "gas": GAS, "water": LIQUID, "water_injected": LIQUID, "oil_sold": LIQUID}
MONTHLY = {f: LIQUID for f in ("oil", "condensate", "ngl", "water", "water_injected")} | {
    "gas": GAS,
    "associated_gas": GAS,
}
WELL = {
    "cumulative_oil": LIQUID,
    "cumulative_gas": GAS,
    "cumulative_water": LIQUID,
    "cumulative_water_injected": LIQUID,
}
ROLLUP = {
    f: LIQUID
    for f in ("oil", "water", "water_injected", "oil_rate_cd", "oil_rate_pd", "water_rate_cd")
} | {"gas": GAS, "gas_rate_cd": GAS, "gas_rate_pd": GAS, "gor": Quantity.GOR}
CUMULATIVE = {
    f"{span}_{fluid}": GAS if fluid == "gas" else LIQUID
    for span in ("ltd", "ytd", "mtd")
    for fluid in ("oil", "gas", "water")
}
DAILY_PRICE = {"price": Quantity.LIQUID_PRICE}
