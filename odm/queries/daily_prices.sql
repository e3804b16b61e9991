-- Daily oil prices (/v1/prices/daily).
SELECT pr.price_date, pr.price
FROM odm_oil_price pr
WHERE {where}
ORDER BY {order}
