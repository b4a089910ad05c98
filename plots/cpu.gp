# The cpu benchmark's figure: one group of bars per kernel (".1t": one
# thread, ".all": one thread per CPU), one bar per runner, the bar the median
# rate, the whiskers the 5th..95th percentiles of the batches.
#
# bench (bench/cpu_memory_plot.c) runs this twice, for PNG and SVG, defining:
#   datadir, outfile, term, runners, logy, ylo, yhi, plottitle
# Data file: cpu.dat, one kernel a line: name, then per runner median, p5,
# p95; NaN where a runner did not run the kernel.

if (!exists("term")) term = "pngcairo"
if (term eq "pngcairo" && strstrt(GPVAL_TERMINALS, "pngcairo") == 0) term = "png"
if (term eq "svg") {
	set terminal svg size 1280,600 dynamic noenhanced font "Sans,12" background "#ffffff"
} else {
	if (term eq "pngcairo") {
		set terminal pngcairo size 1280,600 noenhanced font "Sans,11" background "#ffffff"
	} else {
		set terminal png size 1280,600 noenhanced background "#ffffff"
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

set title plottitle font ",14"
set border 3 lc rgb "#555555"
set tics nomirror out
set xtics scale 0 rotate by -30
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set ylabel "GB/s (hashes), GFLOP/s (dgemm): median; whiskers p5..p95"
set datafile missing "NaN"
if (logy) {
	set logscale y 10
	set mytics 10
}
set format y "%g"
set yrange [ylo:yhi]
set key outside right top vertical samplen 1.5 title "runner"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.75 border rgb "#ffffff"
set boxwidth 0.9
set errorbars lc rgb "#222222" lw 1.2
set label 1 "higher is better; a VM under TCG is emulation, not virtualisation" \
	at screen 0.5, 0.03 center font ",10" tc rgb "#444444"
set bmargin 6

plot for [i = 1:nrunners] sprintf("%s/cpu.dat", datadir) \
	using (column(3 * i - 1)):(column(3 * i)):(column(3 * i + 1)):xtic(1) title word(runners, i) lt i
