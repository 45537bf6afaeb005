SELECT year, count(*) AS releases, max(largest_total_params_b) AS largest_b,
       min(release_date) AS first_release
FROM releases
GROUP BY year
ORDER BY year
