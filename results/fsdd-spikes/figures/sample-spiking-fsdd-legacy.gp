# SPIKING-FSDD sample of class 0 (0), spike counts (legacy input, from run spiking-fsdd-legacy/none/seed0)
# Renders sample-spiking-fsdd-legacy.png and sample-spiking-fsdd-legacy.svg from sample-spiking-fsdd-legacy.dat; run `gnuplot sample-spiking-fsdd-legacy.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 900,480 noenhanced font "sans,10"
  } else {
    set terminal svg size 900,480 noenhanced font "sans,10" background rgb "white"
  }
  set output "sample-spiking-fsdd-legacy.".format
  reset
  set title "SPIKING-FSDD sample of class 0 (0), spike counts (legacy input, from run spiking-fsdd-legacy/none/seed0)"
  set xlabel "time (ms)"
  set xrange [-5:290]
  set yrange [-0.5:139.5]
  set palette rgb 33,13,10
  set ylabel "input channel"
  set cblabel "spikes per frame"
  set cbrange [0:17]
  plot "sample-spiking-fsdd-legacy.dat" using 1:2:3 with points pointtype 5 pointsize 0.35 linecolor palette notitle
  set output
}
