-- Sums of monthly (as-reported) rows per month or year, per entity type, and per entity,
-- division or the company (/v1/production/monthly/rollup). Entity types are never mixed:
-- leases and the completions in them report the same oil twice.
SELECT r.*
FROM (
    SELECT {period} AS period,
           m.entity_type,
           {entity_key} AS entity_key,
           {entity_name} AS entity_name,
           {division} AS division_id,
           COUNT(DISTINCT m.entity_key) AS entity_count,
           COUNT(*) AS reported_months,
           COALESCE(SUM(m.days_on), 0.0) AS days_on,
           COALESCE(SUM(m.oil), 0.0) AS oil,
           COALESCE(SUM(m.condensate), 0.0) AS condensate,
           COALESCE(SUM(m.ngl), 0.0) AS ngl,
           COALESCE(SUM(m.gas), 0.0) AS gas,
           COALESCE(SUM(m.associated_gas), 0.0) AS associated_gas,
           COALESCE(SUM(m.water), 0.0) AS water,
           COALESCE(SUM(m.water_injected), 0.0) AS water_injected
    FROM odm_monthly_production m
    JOIN odm_division d ON d.division_id = m.division_id
    WHERE {filters}
    GROUP BY {group}
) r
WHERE {where}
ORDER BY {order}
