SELECT origin,
       sum(releases) AS releases,
       100.0 * sum(releases) / (SELECT sum(releases) FROM yearly) AS share
FROM yearly
GROUP BY origin
ORDER BY origin
