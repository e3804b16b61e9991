-- The wells whose declines a request fits, by id (/v1/decline, a well's decline,
-- /v1/reserves, /v1/type-curves): fitted in this order while their daily rates stream in
-- the same order.
SELECT w.well_id,
       w.well_name,
       w.division_id,
       d.division_name
FROM odm_well w
JOIN odm_division d ON d.division_id = w.division_id
WHERE {where}
ORDER BY w.well_id
