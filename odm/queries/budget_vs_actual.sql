-- Budget and actual spend per period (month or year) and per well, division or the company,
-- with the part of the budget up to and after the month given as :through
-- (/v1/budget-vs-actual). A division's months come from the aggregate the triggers keep, a
-- well's from its own rows: one part or the other, as the conditions of each pick.
SELECT r.*
FROM (
    SELECT {period} AS period,
           {entity} AS entity_id,
           {entity_name} AS entity_name,
           COALESCE(SUM(s.budget), 0.0) AS budget,
           COALESCE(SUM(CASE WHEN s.first_day <= :through THEN s.budget END), 0.0)
               AS budget_to_date,
           COALESCE(SUM(CASE WHEN s.first_day <= :through THEN s.actual END), 0.0)
               AS actual_to_date
    FROM (
        SELECT bm.division_id,
               CAST(NULL AS INTEGER) AS well_id,
               CAST(NULL AS VARCHAR(200)) AS well_name,
               bm.month AS first_day,
               bm.budget,
               bm.actual
        FROM odm_division_budget_month bm
        WHERE {division_months}
        UNION ALL
        SELECT w.division_id, b.well_id, w.well_name, b.month, b.budget, b.actual
        FROM odm_well_budget b
        JOIN odm_well w ON w.well_id = b.well_id
        WHERE {well_months}
    ) s
    JOIN odm_division d ON d.division_id = s.division_id
    GROUP BY {group}
) r
WHERE {where}
ORDER BY {order}
