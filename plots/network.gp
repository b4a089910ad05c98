# The network benchmark's figure, three panels:
#   request/response rate per runner/mode (bars: median; whiskers: p5..p95
#   of the batches), rr1 and rr200;
#   stream throughput per runner/mode (Gbit/s), up and down;
#   the latency CDF of the 1-byte exchange, one line per runner/mode.
#
# bench (bench/network_plot.c) runs this twice, for PNG and SVG, defining:
#   datadir   the results folder holding network_rr.dat, network_stream.dat,
#             network_cdf.dat
#   outfile, term, plottitle
#   cdfnames  the CDF blocks' runner/mode names, space-separated
#   ncdf      how many blocks network_cdf.dat holds
#   nrr, nstream  how many figures network_rr.dat and network_stream.dat
#             hold (a run of some patterns only leaves a panel empty)
# VM figures under TCG are emulation: the row labels say the runner.

if (!exists("term")) term = "pngcairo"
if (term eq "pngcairo" && strstrt(GPVAL_TERMINALS, "pngcairo") == 0) term = "png"
if (term eq "svg") {
	set terminal svg size 1280,1000 dynamic noenhanced font "Sans,12" background "#ffffff"
} else {
	if (term eq "pngcairo") {
		set terminal pngcairo size 1280,1000 noenhanced font "Sans,11" background "#ffffff"
	} else {
		set terminal png size 1280,1000 noenhanced background "#ffffff"
	}
}
set output outfile

set linetype 1 lc rgb "#4c72b0" lw 1.5
set linetype 2 lc rgb "#dd8452" lw 1.5
set linetype 3 lc rgb "#55a868" lw 1.5
set linetype 4 lc rgb "#c44e52" lw 1.5
set linetype 5 lc rgb "#8172b3" lw 1.5
set linetype cycle 5
set border 3 lc rgb "#555555"
set tics nomirror out
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set datafile missing "NaN"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.75 border rgb "#ffffff"
set boxwidth 0.9
set errorbars lc rgb "#222222" lw 1.2
set key outside right top vertical samplen 1.5

set multiplot layout 3,1 title plottitle font ",14"
set xtics scale 0 rotate by -20
set ylabel "transactions/s"
set yrange [0:*]
if (!exists("nrr") || nrr > 0) {
	plot sprintf("%s/network_rr.dat", datadir) using 2:3:4:xtic(1) title "rr1 (1 B)" lt 1, \
		"" using 5:6:7 title "rr200 (100/200 B)" lt 2
} else {
	set multiplot next
}
set ylabel "Gbit/s"
if (!exists("nstream") || nstream > 0) {
	plot sprintf("%s/network_stream.dat", datadir) using 2:3:4:xtic(1) title "up (instance sends)" lt 3, \
		"" using 5:6:7 title "down (instance receives)" lt 4
} else {
	set multiplot next
}
unset style data
set style data lines
set xtics norotate
set logscale x 10
set xlabel "rr1 latency (us, log)"
set ylabel "fraction of transactions"
set yrange [0:1]
if (ncdf > 0) {
	plot for [i = 0:ncdf - 1] sprintf("%s/network_cdf.dat", datadir) index i using 1:2 with lines \
		title word(cdfnames, i + 1) lt (i + 1)
}
unset multiplot
