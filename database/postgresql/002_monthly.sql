-- ODM schema version 2 (PostgreSQL): monthly production at the grain regulators publish it
-- (per well, completion, lease or field), and monthly prices. Never spread into daily rows.
--
-- Canonical units as in version 1: oil, condensate, ngl, water, water_injected in bbl;
-- gas and associated_gas in Mcf; price in USD per unit of the product. Metric sources
-- (Sm³) are converted on import with the exact factors (1 bbl = 0.158987294928 m³, 1 ft³ =
-- 0.028316846592 m³; odm/units.py).

CREATE TABLE odm_monthly_production (
    entity_type     text NOT NULL CHECK (entity_type IN ('well', 'completion', 'lease', 'field')),
    entity_key      text NOT NULL,
    month           date NOT NULL CHECK (extract(day FROM month) = 1),
    division_id     bigint NOT NULL REFERENCES odm_division (division_id),
    well_id         bigint REFERENCES odm_well (well_id),
    entity_name     text,
    days_on         double precision,
    oil             double precision,
    condensate      double precision,
    ngl             double precision,
    gas             double precision,
    associated_gas  double precision,
    water           double precision,
    water_injected  double precision,
    source          text NOT NULL,
    PRIMARY KEY (entity_type, entity_key, month)
);

CREATE INDEX odm_monthly_division_idx
    ON odm_monthly_production (division_id, entity_type, entity_key, month);
CREATE INDEX odm_monthly_well_idx ON odm_monthly_production (well_id, month)
    WHERE well_id IS NOT NULL;

CREATE TABLE odm_monthly_price (
    product  text NOT NULL CHECK (product IN ('oil', 'gas', 'ngl', 'condensate')),
    month    date NOT NULL CHECK (extract(day FROM month) = 1),
    price    double precision NOT NULL,
    source   text NOT NULL,
    PRIMARY KEY (product, month)
);
