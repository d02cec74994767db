# SSC, grid input, 2x512, n=2, K=31: mean over seeds, band ±1 sample standard deviation
# Renders curves-ssc-grid-2x512-n2-k31.png and curves-ssc-grid-2x512-n2-k31.svg from curves-ssc-grid-2x512-n2-k31.dat; run `gnuplot curves-ssc-grid-2x512-n2-k31.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 1100,480 noenhanced font "sans,10"
  } else {
    set terminal svg size 1100,480 noenhanced font "sans,10" background rgb "white"
  }
  set output "curves-ssc-grid-2x512-n2-k31.".format
  reset
  set multiplot layout 1,2 title "SSC, grid input, 2x512, n=2, K=31: mean over seeds, band ±1 sample standard deviation"
  set xlabel "epoch" offset 0, 0.5
  set xtics 1
  set grid
  set key outside bottom center horizontal maxcols 3
  set ylabel "loss"
  set yrange [0:*]
  plot "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:($3-$4):($3+$4) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:3 with lines linewidth 2 dashtype 1 linecolor rgb "#d62728" title "learned delays, train", \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:($5-$6):($5+$6) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:5 with lines linewidth 2 dashtype 2 linecolor rgb "#d62728" title "learned delays, test", \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:($7-$8):($7+$8) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:7 with lines linewidth 2 dashtype 3 linecolor rgb "#d62728" title "learned delays, validation"
  set ylabel "accuracy (%)"
  plot "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:($9-$10):($9+$10) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:9 with lines linewidth 2 dashtype 1 linecolor rgb "#d62728" title "learned delays, train", \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:($11-$12):($11+$12) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:11 with lines linewidth 2 dashtype 2 linecolor rgb "#d62728" title "learned delays, test", \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:($13-$14):($13+$14) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-ssc-grid-2x512-n2-k31.dat" index 0 using 1:13 with lines linewidth 2 dashtype 3 linecolor rgb "#d62728" title "learned delays, validation"
  unset multiplot
  set output
}
