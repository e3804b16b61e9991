-- Whether the division named exists, and which division the well named is in, in one round
-- trip (for 404 answers that say what is wrong). A NULL id finds nothing.
SELECT (SELECT d.division_id FROM odm_division d WHERE d.division_id = :division_id)
           AS division_found,
       (SELECT w.division_id FROM odm_well w WHERE w.well_id = :well_id)
           AS well_division
