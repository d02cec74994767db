# FSDD, mel input, 2x128, n=1, K=25, learned delays: delays of 3 runs
# Renders delays-fsdd-mel-2x128-n1-k25-learned.png and delays-fsdd-mel-2x128-n1-k25-learned.svg from delays-fsdd-mel-2x128-n1-k25-learned.dat; run `gnuplot delays-fsdd-mel-2x128-n1-k25-learned.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 1440,400 noenhanced font "sans,10"
  } else {
    set terminal svg size 1440,400 noenhanced font "sans,10" background rgb "white"
  }
  set output "delays-fsdd-mel-2x128-n1-k25-learned.".format
  reset
  set multiplot layout 1,4 title "FSDD, mel input, 2x128, n=1, K=25, learned delays: delays of 3 runs"
  set grid ytics
  set style fill solid 0.5 border
  set boxwidth 0.8
  set xrange [-1:25]
  set xlabel "delay (time steps)"
  set ylabel "weight-position pairs"
  set yrange [0:*]
  set offsets 0, 0, graph 0.25, 0
  set key top right
  set title "synapse layer 1"
  plot "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 0 using 1:2 with boxes fillstyle empty linecolor rgb "#404040" title "initialisation", \
       "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 0 using 1:3 with boxes fillstyle transparent solid 0.5 linecolor rgb "#d62728" title "end of training"
  set title "synapse layer 2"
  plot "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 1 using 1:2 with boxes fillstyle empty linecolor rgb "#404040" title "initialisation", \
       "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 1 using 1:3 with boxes fillstyle transparent solid 0.5 linecolor rgb "#d62728" title "end of training"
  set title "synapse layer 3"
  plot "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 2 using 1:2 with boxes fillstyle empty linecolor rgb "#404040" title "initialisation", \
       "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 2 using 1:3 with boxes fillstyle transparent solid 0.5 linecolor rgb "#d62728" title "end of training"
  set title "sigma schedule"
  set autoscale x
  set xlabel "epoch"
  set xtics 3
  set ylabel "sigma (time steps)"
  plot "delays-fsdd-mel-2x128-n1-k25-learned.dat" index 3 using 1:2 with linespoints linewidth 2 pointtype 7 linecolor rgb "#d62728" title "sigma"
  unset multiplot
  set output
}
