# The memory benchmark's figure: left, STREAM's bandwidth, one group of bars
# per kernel (".1t" one thread, ".all" one per CPU), one bar per runner, the
# bar the median GB/s, the whiskers p5..p95 of the batches; right, the
# pointer chase's median ns per access against the working set, a curve per
# runner on log-log axes.
#
# bench (bench/cpu_memory_plot.c) runs this twice, for PNG and SVG, defining:
#   datadir, outfile, term, runners, logy, ylo, yhi, plottitle, chase (1
#   when memory_chase.dat holds curves), llc_kib and l2_kib (the caches'
#   sizes as hwloc gave them, drawn as dashed vertical lines; 0: unknown)
# Data files: memory.dat (as cpu.dat); memory_chase.dat, one block per
# runner in the order of runners: KiB, ns.

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

nrunners = words(runners)

set linetype 1 lc rgb "#4c72b0" lw 1.5
set linetype 2 lc rgb "#dd8452" lw 1.5
set linetype 3 lc rgb "#55a868" lw 1.5
set linetype 4 lc rgb "#c44e52" lw 1.5
set linetype 5 lc rgb "#8172b3" lw 1.5
set linetype cycle 5

set multiplot layout 1, 2 title plottitle font ",14"
set border 3 lc rgb "#555555"
set tics nomirror out
set xtics scale 0 rotate by -30
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set ylabel "GB/s (median; whiskers p5..p95)"
set datafile missing "NaN"
if (logy) {
	set logscale y 10
	set mytics 10
}
set format y "%g"
set yrange [ylo:yhi]
set key top right vertical samplen 1.5 title "runner"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.75 border rgb "#ffffff"
set boxwidth 0.9
set errorbars lc rgb "#222222" lw 1.2
set title "bandwidth (higher is better)"
plot for [i = 1:nrunners] sprintf("%s/memory.dat", datadir) \
	using (column(3 * i - 1)):(column(3 * i)):(column(3 * i + 1)):xtic(1) title word(runners, i) lt i

unset logscale
unset yrange
set autoscale
set style data linespoints
set xtics norotate
set logscale xy 2
set format x "%g"
set xlabel "working set (KiB)"
set ylabel "ns per dependent load (median)"
set grid xtics ytics lc rgb "#dddddd"
set key top left
set title "latency (lower is better; TCG: emulation)"
if (!exists("llc_kib")) llc_kib = 0
if (!exists("l2_kib")) l2_kib = 0
if (llc_kib > 0) {
	set arrow 1 from llc_kib, graph 0 to llc_kib, graph 1 nohead dt 2 lw 1.2 lc rgb "#666666"
	set label 1 sprintf("LLC %g MiB", llc_kib / 1024.0) at llc_kib, graph 0.97 right offset -0.5, 0 tc rgb "#444444"
	set arrow 3 from 4 * llc_kib, graph 0 to 4 * llc_kib, graph 1 nohead dt 3 lw 1 lc rgb "#999999"
	set label 3 "4x LLC" at 4 * llc_kib, graph 0.90 right offset -0.5, 0 tc rgb "#666666"
}
if (l2_kib > 0) {
	set arrow 2 from l2_kib, graph 0 to l2_kib, graph 1 nohead dt 2 lw 1.2 lc rgb "#999999"
	set label 2 sprintf("L2 %g KiB", l2_kib) at l2_kib, graph 0.97 right offset -0.5, 0 tc rgb "#444444"
}
if (chase) {
	plot for [i = 1:nrunners] sprintf("%s/memory_chase.dat", datadir) index (i - 1) \
		using 1:2 with linespoints title word(runners, i) lt i pt 7 ps 0.6
}
unset multiplot
