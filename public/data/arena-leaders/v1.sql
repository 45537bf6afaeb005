-- Per snapshot (S39): the highest-rated open model and its lead over the other country's best.
WITH s AS (
  SELECT snapshot_date,
         max(arena_elo) AS top_elo,
         max(arena_elo) FILTER (WHERE origin_country = 'US') AS best_us_elo,
         max(arena_elo) FILTER (WHERE origin_country = 'CN') AS best_cn_elo
  FROM arena
  WHERE source_id = 'S39'
  GROUP BY snapshot_date)
SELECT s.snapshot_date, a.model AS leader, a.developer AS leader_developer,
       a.origin_country AS leader_country, s.top_elo AS leader_elo,
       s.best_us_elo, s.best_cn_elo,
       abs(s.best_us_elo - s.best_cn_elo) AS lead_elo
FROM s
JOIN arena a
  ON a.snapshot_date = s.snapshot_date AND a.source_id = 'S39' AND a.arena_elo = s.top_elo
ORDER BY s.snapshot_date
