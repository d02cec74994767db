# SHD, legacy input: selected test accuracy against parameter count
# Renders parameters-shd-legacy.png and parameters-shd-legacy.svg from parameters-shd-legacy.dat; run `gnuplot parameters-shd-legacy.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 720,480 noenhanced font "sans,10"
  } else {
    set terminal svg size 720,480 noenhanced font "sans,10" background rgb "white"
  }
  set output "parameters-shd-legacy.".format
  reset
  set title "SHD, legacy input: selected test accuracy against parameter count"
  set logscale x
  set format x "%.0s%c"
  set xlabel "parameters"
  set ylabel "test accuracy (%)"
  set grid
  set key bottom right
  set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
  plot "parameters-shd-legacy.dat" index 0 using 1:2:3 with yerrorlines linewidth 2 pointtype 7 linecolor rgb "#7f7f7f" title "no delay", \
       "parameters-shd-legacy.dat" index 1 using 1:2:3 with yerrorlines linewidth 2 pointtype 7 linecolor rgb "#1f77b4" title "fixed random delays", \
       "parameters-shd-legacy.dat" index 2 using 1:2:3 with yerrorlines linewidth 2 pointtype 7 linecolor rgb "#d62728" title "learned delays"
  set output
}
