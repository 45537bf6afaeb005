-- Releases larger than every earlier release with a size in the dataset.
WITH sized AS (
  SELECT model, developer, origin_country, release_date, largest_total_params_b,
         max(largest_total_params_b) OVER (ORDER BY release_date
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS record_before
  FROM releases
  WHERE largest_total_params_b IS NOT NULL),
records AS (
  SELECT * FROM sized
  WHERE record_before IS NULL OR largest_total_params_b > record_before)
SELECT model, developer, origin_country, release_date, largest_total_params_b,
       lag(model) OVER (ORDER BY release_date) AS previous_record,
       lag(largest_total_params_b) OVER (ORDER BY release_date) AS previous_record_b,
       round(largest_total_params_b / lag(largest_total_params_b) OVER (ORDER BY release_date), 2)
         AS multiple_of_previous
FROM records
ORDER BY release_date, model
