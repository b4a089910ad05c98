# The isolation benchmark's heatmap: one row per channel, one column per
# runner (and container profile), each cell coloured by its verdict.
#
# bench (bench/isolation_plot.c) runs this twice, for PNG and SVG, defining:
#   datadir   the results folder holding isolation-matrix.dat
#   outfile   the image to write
#   term      "pngcairo" or "svg"
#   ncols, nrows          how many runner columns and channel rows
#   xticlist, yticlist    gnuplot tic lists: "label" position, ...
#   plottitle, caption1, caption2
# Data file (text, '#' comments):
#   isolation-matrix.dat  column, row (1 = bottom), colour 0xRRGGBB, "word"

if (!exists("term")) term = "pngcairo"
if (term eq "pngcairo" && strstrt(GPVAL_TERMINALS, "pngcairo") == 0) term = "png"
# Tall enough for every channel's name at a readable size.
height = 220 + 30 * nrows
width = 420 + 190 * ncols
width = width < 980 ? 980 : width
if (term eq "svg") {
	set terminal svg size width,height dynamic noenhanced font "Sans,12" background "#ffffff"
} else {
	if (term eq "pngcairo") {
		set terminal pngcairo size width,height noenhanced font "Sans,11" background "#ffffff"
	} else {
		set terminal png size width,height noenhanced background "#ffffff"
	}
}
set output outfile

# Margins in character units, so that long channel names and the legend
# keep their room whatever the size.
set lmargin 26

set tmargin 7
set bmargin 8

set title "What the workload learns about the host, channel by channel\n" . plottitle font ",14"
set label 1 caption1 at screen 0.5, 34.0 / height center font ",10" tc rgb "#444444"
set label 2 caption2 at screen 0.5, 14.0 / height center font ",10" tc rgb "#444444"

set xrange [0.5:ncols + 0.5]
set yrange [0.5:nrows + 0.5]
set x2range [0.5:ncols + 0.5]
eval sprintf("set x2tics (%s)", xticlist)
eval sprintf("set ytics (%s)", yticlist)
unset xtics
set x2tics scale 0 font ",11"
set ytics scale 0 font ",11"
set x2label "runner / container profile"
set border 0
set key at screen 0.5, 58.0 / height center bottom horizontal reverse Left maxrows 2 samplen 1.5 width 3 font ",11"

set style fill solid 1.0 border lc rgb "#ffffff"
plot sprintf("%s/isolation-matrix.dat", datadir) using 1:2:(0.5):(0.5):3 \
	with boxxyerror lc rgb variable notitle, \
     '' using 1:2:4 with labels font ",10" tc rgb "#1a1a1a" notitle, \
     keyentry with boxes lc rgb "#e45756" title "leaks: sees the host's value", \
     keyentry with boxes lc rgb "#f58518" title "host-coupled: moves with the host", \
     keyentry with boxes lc rgb "#54a24b" title "isolated: its own value", \
     keyentry with boxes lc rgb "#bab0ac" title "unavailable: cannot read it"
