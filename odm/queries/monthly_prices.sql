-- Monthly prices by product (/v1/prices/monthly).
SELECT mp.product, mp.month, mp.price, mp.source
FROM odm_monthly_price mp
WHERE {where}
ORDER BY {order}
