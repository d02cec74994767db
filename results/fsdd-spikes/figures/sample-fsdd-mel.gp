# FSDD sample of class 0 (0), mel spectrogram (mel input, from run fsdd/none/seed0)
# Renders sample-fsdd-mel.png and sample-fsdd-mel.svg from sample-fsdd-mel.dat; run `gnuplot sample-fsdd-mel.gp` in this folder.
set encoding utf8
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 900,480 noenhanced font "sans,10"
  } else {
    set terminal svg size 900,480 noenhanced font "sans,10" background rgb "white"
  }
  set output "sample-fsdd-mel.".format
  reset
  set title "FSDD sample of class 0 (0), mel spectrogram (mel input, from run fsdd/none/seed0)"
  set xlabel "time (ms)"
  set xrange [-5:1010]
  set yrange [-0.5:139.5]
  set palette rgb 33,13,10
  set ylabel "mel band"
  set cblabel "power (dB)"
  plot "sample-fsdd-mel.dat" using 1:2:3 with image notitle
  set output
}
