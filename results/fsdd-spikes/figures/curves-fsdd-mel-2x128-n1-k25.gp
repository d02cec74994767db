# FSDD, mel input, 2x128, n=1, K=25: mean over seeds, band ±1 sample standard deviation
# Renders curves-fsdd-mel-2x128-n1-k25.png and curves-fsdd-mel-2x128-n1-k25.svg from curves-fsdd-mel-2x128-n1-k25.dat; run `gnuplot curves-fsdd-mel-2x128-n1-k25.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 1100,480 noenhanced font "sans,10"
  } else {
    set terminal svg size 1100,480 noenhanced font "sans,10" background rgb "white"
  }
  set output "curves-fsdd-mel-2x128-n1-k25.".format
  reset
  set multiplot layout 1,2 title "FSDD, mel input, 2x128, n=1, K=25: mean over seeds, band ±1 sample standard deviation"
  set xlabel "epoch" offset 0, 0.5
  set xtics 3
  set grid
  set key outside bottom center horizontal maxcols 3
  set ylabel "loss"
  set yrange [0:*]
  plot "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:($3-$4):($3+$4) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#7f7f7f" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:3 with lines linewidth 2 dashtype 1 linecolor rgb "#7f7f7f" title "no delay, train", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:($5-$6):($5+$6) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#7f7f7f" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:5 with lines linewidth 2 dashtype 2 linecolor rgb "#7f7f7f" title "no delay, test", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:($3-$4):($3+$4) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#1f77b4" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:3 with lines linewidth 2 dashtype 1 linecolor rgb "#1f77b4" title "fixed random delays, train", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:($5-$6):($5+$6) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#1f77b4" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:5 with lines linewidth 2 dashtype 2 linecolor rgb "#1f77b4" title "fixed random delays, test", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:($3-$4):($3+$4) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:3 with lines linewidth 2 dashtype 1 linecolor rgb "#d62728" title "learned delays, train", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:($5-$6):($5+$6) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:5 with lines linewidth 2 dashtype 2 linecolor rgb "#d62728" title "learned delays, test"
  set ylabel "accuracy (%)"
  plot "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:($9-$10):($9+$10) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#7f7f7f" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:9 with lines linewidth 2 dashtype 1 linecolor rgb "#7f7f7f" title "no delay, train", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:($11-$12):($11+$12) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#7f7f7f" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 0 using 1:11 with lines linewidth 2 dashtype 2 linecolor rgb "#7f7f7f" title "no delay, test", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:($9-$10):($9+$10) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#1f77b4" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:9 with lines linewidth 2 dashtype 1 linecolor rgb "#1f77b4" title "fixed random delays, train", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:($11-$12):($11+$12) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#1f77b4" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 1 using 1:11 with lines linewidth 2 dashtype 2 linecolor rgb "#1f77b4" title "fixed random delays, test", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:($9-$10):($9+$10) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:9 with lines linewidth 2 dashtype 1 linecolor rgb "#d62728" title "learned delays, train", \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:($11-$12):($11+$12) with filledcurves fillstyle transparent solid 0.15 noborder linecolor rgb "#d62728" notitle, \
       "curves-fsdd-mel-2x128-n1-k25.dat" index 2 using 1:11 with lines linewidth 2 dashtype 2 linecolor rgb "#d62728" title "learned delays, test"
  unset multiplot
  set output
}
