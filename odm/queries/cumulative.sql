-- Life-to-date, year-to-date and month-to-date volumes up to a day, per well, division or
-- the company (/v1/production/cumulative).
SELECT r.*
FROM (
    SELECT {entity} AS entity_id,
           {entity_name} AS entity_name,
           COALESCE(SUM(p.oil), 0.0) AS ltd_oil,
           COALESCE(SUM(p.gas), 0.0) AS ltd_gas,
           COALESCE(SUM(p.water), 0.0) AS ltd_water,
           COALESCE(SUM(CASE WHEN p.production_date >= :year_start THEN p.oil END), 0.0)
               AS ytd_oil,
           COALESCE(SUM(CASE WHEN p.production_date >= :year_start THEN p.gas END), 0.0)
               AS ytd_gas,
           COALESCE(SUM(CASE WHEN p.production_date >= :year_start THEN p.water END), 0.0)
               AS ytd_water,
           COALESCE(SUM(CASE WHEN p.production_date >= :month_start THEN p.oil END), 0.0)
               AS mtd_oil,
           COALESCE(SUM(CASE WHEN p.production_date >= :month_start THEN p.gas END), 0.0)
               AS mtd_gas,
           COALESCE(SUM(CASE WHEN p.production_date >= :month_start THEN p.water END), 0.0)
               AS mtd_water
    FROM odm_daily_production p
    JOIN odm_well w ON w.well_id = p.well_id
    JOIN odm_division d ON d.division_id = w.division_id
    WHERE {filters}
    {group_by}
) r
WHERE {where}
ORDER BY {order}
