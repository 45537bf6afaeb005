-- The largest release of each country in each year.
SELECT origin_country AS origin,
       CAST(substr(release_date, 1, 4) AS BIGINT) AS year,
       count(*) AS releases,
       max(largest_total_params_b) AS largest_params_b
FROM releases
GROUP BY origin_country, substr(release_date, 1, 4)
ORDER BY origin, year
