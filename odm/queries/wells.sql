-- Wells with their division and life-to-date totals (/v1/wells).
SELECT w.well_id,
       w.well_name,
       w.division_id,
       d.division_name,
       w.well_type,
       w.status,
       w.first_production_date,
       w.api_number,
       w.uwi,
       w.source_key,
       w.retired_on,
       t.day_count AS days_on_record,
       t.hours_on AS cumulative_hours_on,
       t.oil AS cumulative_oil,
       t.gas AS cumulative_gas,
       t.water AS cumulative_water,
       t.water_injected AS cumulative_water_injected
FROM odm_well w
JOIN odm_division d ON d.division_id = w.division_id
JOIN odm_well_totals t ON t.well_id = w.well_id
WHERE {where}
ORDER BY {order}
