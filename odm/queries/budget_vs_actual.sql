-- Budget and actual spend per period (month or year) and per well, division or the company,
-- with the part of the budget up to and after the month given as :through
-- (/v1/budget-vs-actual).
SELECT r.*
FROM (
    SELECT {period} AS period,
           {entity} AS entity_id,
           {entity_name} AS entity_name,
           COALESCE(SUM(b.budget), 0.0) AS budget,
           COALESCE(SUM(CASE WHEN b.month <= :through THEN b.budget END), 0.0)
               AS budget_to_date,
           COALESCE(SUM(CASE WHEN b.month <= :through THEN b.actual END), 0.0)
               AS actual_to_date
    FROM odm_well_budget b
    JOIN odm_well w ON w.well_id = b.well_id
    JOIN odm_division d ON d.division_id = w.division_id
    WHERE {filters}
    GROUP BY {group}
) r
WHERE {where}
ORDER BY {order}
