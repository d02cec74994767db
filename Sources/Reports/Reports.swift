// The report stage: comparison tables and gnuplot figures from finished runs.
