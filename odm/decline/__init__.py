"""Decline-curve analysis: closed-form models, fitting, forecasts, EUR and type curves.

Pure numerics over arrays: nothing here reads a database or knows about HTTP. Time is in
days from the decline start, rates in volume per day, declines nominal per day internally
(the API reports them per year).
"""

DAYS_PER_YEAR = 365.25
