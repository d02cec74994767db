# SHD sample of class 3 (three), spike counts (legacy input, from run shd-2x256-learned-seed0)
# Renders sample-shd-legacy.png and sample-shd-legacy.svg from sample-shd-legacy.dat; run `gnuplot sample-shd-legacy.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 900,480 noenhanced font "sans,10"
  } else {
    set terminal svg size 900,480 noenhanced font "sans,10" background rgb "white"
  }
  set output "sample-shd-legacy.".format
  reset
  set title "SHD sample of class 3 (three), spike counts (legacy input, from run shd-2x256-learned-seed0)"
  set xlabel "time (ms)"
  set xrange [-5:300]
  set yrange [-0.5:139.5]
  set palette rgb 33,13,10
  set ylabel "input channel"
  set cblabel "spikes per frame"
  set cbrange [0:2]
  plot "sample-shd-legacy.dat" using 1:2:3 with points pointtype 5 pointsize 0.35 linecolor palette notitle
  set output
}
