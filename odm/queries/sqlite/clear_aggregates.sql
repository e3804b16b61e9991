-- Empty the monthly aggregates before a bulk load (whose suspended triggers would not keep
-- them), so that it may also delete the wells and divisions they refer to.
DELETE FROM odm_division_budget_month;
DELETE FROM odm_division_year;
DELETE FROM odm_division_month;
DELETE FROM odm_well_month;
