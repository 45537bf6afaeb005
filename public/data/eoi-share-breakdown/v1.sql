-- The shares getaibook.com (S05) quotes, and 100% less their sum.
SELECT origin, share_pct, 'reported' AS basis, source_id
FROM shares
WHERE source_id = 'S05'
UNION ALL
SELECT 'Other countries or unknown' AS origin, 100 - sum(share_pct) AS share_pct,
       'computed: 100% less the three reported shares' AS basis, 'S05' AS source_id
FROM shares
WHERE source_id = 'S05'
ORDER BY share_pct DESC, origin
