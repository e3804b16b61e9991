-- Each division's monthly budget as stored and as its wells' budget rows sum now, in one
-- statement, by division, month and side (`odm check`).
SELECT 'stored' AS side,
       bm.division_id,
       {stored_period} AS period,
       bm.budget_rows, bm.budget, bm.actual
FROM odm_division_budget_month bm
UNION ALL
SELECT 'fresh',
       w.division_id,
       {fresh_period},
       COUNT(*), COALESCE(SUM(b.budget), 0), COALESCE(SUM(b.actual), 0)
FROM odm_well_budget b
JOIN odm_well w ON w.well_id = b.well_id
GROUP BY w.division_id, {fresh_period}
ORDER BY 2, 3, 1
