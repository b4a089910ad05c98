# The storage benchmark's figure, two panels.
#   left:  one group of bars per pattern, one bar per row (runner; the
#          container's overlayfs row): its median against the host's, where
#          higher is better (IOPS and MB/s as they are; QD1 latency
#          inverted), whiskers the 95% bootstrap interval; 1 = the host.
#   right: the latency CDF of QD1 random reads (solid) and writes (dashed)
#          per row, from the percentiles of its last run.
#
# bench (bench/storage_plot.c) runs this twice, for PNG and SVG, defining:
#   datadir   the results folder holding the data files
#   outfile   the image to write
#   term      "pngcairo" or "svg"
#   rows      row names, space-separated (host first)
#   hascdf    1 when the CDF files hold points (a QD1 pattern was measured)
#   plottitle
# Data files: storage.dat (pattern, then per row ratio, low, high; NaN where
# not measured); storage_cdf_randread_qd1.dat and
# storage_cdf_randwrite_qd1.dat (one block per row: us, percent).

if (!exists("term")) term = "pngcairo"
if (term eq "pngcairo" && strstrt(GPVAL_TERMINALS, "pngcairo") == 0) term = "png"
if (term eq "svg") {
	set terminal svg size 1400,600 dynamic noenhanced font "Sans,12" background "#ffffff"
} else {
	if (term eq "pngcairo") {
		set terminal pngcairo size 1400,600 noenhanced font "Sans,11" background "#ffffff"
	} else {
		set terminal png size 1400,600 noenhanced background "#ffffff"
	}
}
set output outfile

nrows = words(rows)

set linetype 1 lc rgb "#4c72b0" lw 1.5
set linetype 2 lc rgb "#dd8452" lw 1.5
set linetype 3 lc rgb "#55a868" lw 1.5
set linetype 4 lc rgb "#c44e52" lw 1.5
set linetype 5 lc rgb "#8172b3" lw 1.5
set linetype cycle 5

set multiplot layout 1,2 title plottitle font ",14"

set border 3 lc rgb "#555555"
set tics nomirror out
set xtics scale 0 rotate by -20
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set ylabel "against the host (1 = host; higher is better)"
set datafile missing "NaN"
set yrange [0:*]
set key top right vertical samplen 1.5 title "runner"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.75 border rgb "#ffffff"
set boxwidth 0.9
set errorbars lc rgb "#222222" lw 1.2
set title "median per pattern; whiskers: 95% interval of the ratio" font ",12"
plot for [i = 1:nrows] sprintf("%s/storage.dat", datadir) \
	using (column(3 * i - 1)):(column(3 * i)):(column(3 * i + 1)):xtic(1) title word(rows, i) lt i, \
	1 notitle with lines lc rgb "#888888" dt 2

set style data lines
unset style
set xtics rotate by 0
set logscale x 10
set xlabel "latency (us)"
set ylabel "percent of I/Os at or below"
set yrange [0:100]
set xrange [*:*]
set key bottom right
set title "QD1 4 KiB latency CDF: reads solid, writes dashed" font ",12"
if (!hascdf) {
	unset logscale x
	set xrange [0:1]
	set label 2 "no QD1 pattern measured" at 0.5, 50 center
	plot NaN notitle
} else {
plot for [i = 1:nrows] sprintf("%s/storage_cdf_randread_qd1.dat", datadir) index (i - 1) \
	using 1:2 with linespoints pt 7 ps 0.5 lt i title word(rows, i), \
     for [i = 1:nrows] sprintf("%s/storage_cdf_randwrite_qd1.dat", datadir) index (i - 1) \
	using 1:2 with linespoints pt 7 ps 0.5 lt i dt 2 notitle
}

unset multiplot
