# The isolation benchmark's noisy-neighbour figure: one panel per victim,
# one group of bars per aggressor, one bar per runner: how much slower the
# victim ran beside the aggressor than alone.
#
# bench (bench/isolation_plot.c) runs this twice, for PNG and SVG, defining:
#   datadir   the results folder holding the data files below
#   outfile   the image to write
#   term      "pngcairo" or "svg"
#   runners   runner labels, space-separated (colours, in order)
#   rkey<i>   the i-th runner's name in the key
#   victims   victim names, space-separated: one panel each
#   vtitle<i> the i-th panel's title
#   naggr, xticlist       how many aggressors; their tic list ("label" x, ...)
#   ylo, yhi, barwidth    the shared y range (%) and a bar's width
#   plottitle, caption1, caption2, caption3
# Data files (text, '#' comments), one per victim:
#   noisy-<victim>.dat    x, runner (1..), median, lowest, highest (%), windows, aggressor

if (!exists("term")) term = "pngcairo"
if (term eq "pngcairo" && strstrt(GPVAL_TERMINALS, "pngcairo") == 0) term = "png"
nvictims = words(victims)
nrunners = words(runners)
width = 140 + 520 * nvictims
height = 620
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

set linetype 1 lc rgb "#4c72b0" lw 1.5
set linetype 2 lc rgb "#dd8452" lw 1.5
set linetype 3 lc rgb "#55a868" lw 1.5
set linetype 4 lc rgb "#c44e52" lw 1.5
set linetype 5 lc rgb "#8172b3" lw 1.5
set linetype 6 lc rgb "#937860" lw 1.5
set linetype 7 lc rgb "#da8bc3" lw 1.5
set linetype 8 lc rgb "#8c8c8c" lw 1.5
set linetype cycle 8

set border 3 lc rgb "#555555"
set tics nomirror out
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set xzeroaxis lt -1 lc rgb "#555555" lw 1
set xrange [0.4:naggr + 0.6]
set yrange [ylo:yhi]
eval sprintf("set xtics (%s)", xticlist)
set xtics scale 0 font ",10"
set style fill solid 0.85 border rgb "#ffffff"
set boxwidth barwidth absolute

set multiplot layout 1,nvictims title "How much a noisy neighbour slows a victim down\n" . plottitle \
	font ",14" margins 0.07,0.98,0.2,0.77 spacing 0.04,0
# Drawn with the first panel only, so the SVG holds them once.
set label 1 caption1 at screen 0.5, 50.0 / height center font ",10" tc rgb "#444444"
set label 2 caption2 at screen 0.5, 32.0 / height center font ",10" tc rgb "#444444"
set label 3 caption3 at screen 0.5, 14.0 / height center font ",10" tc rgb "#444444"
# One key for all panels, in a row above them (gnuplot's own key would
# keep to one panel's width).
unset key
keyw = 230.0 / width
do for [r = 1:nrunners] {
	kx = 0.5 + (r - (nrunners + 1) / 2.0) * keyw - keyw / 2.0
	eval sprintf("set object %d rect from screen %g, 0.862 to screen %g, 0.882 fc lt %d fs solid 0.85 noborder", \
		100 + r, kx, kx + 18.0 / width, r)
	set label (100 + r) value(sprintf("rkey%d", r)) at screen kx + 24.0 / width, 0.872 left font ",11"
}

do for [v = 1:nvictims] {
	set title value(sprintf("vtitle%d", v)) font ",12"
	if (v == 1) {
		set ylabel "victim slowdown (%)"
		set format y "%g"
	} else {
		unset ylabel
		set format y ""
	}
	file = sprintf("%s/noisy-%s.dat", datadir, word(victims, v))
	# Each runner's bars, then the whiskers of all of them.
	plot for [r = 1:nrunners] file using ($2 == r ? $1 : NaN):3 with boxes lt r notitle, \
	     file using 1:3:4:5:3:(barwidth * 0.4) with candlesticks whiskerbars 1.0 \
		lc rgb "#222222" lw 1 fs empty notitle
	unset label 1
	unset label 2
	unset label 3
	do for [r = 1:nrunners] {
		unset object (100 + r)
		unset label (100 + r)
	}
}
unset multiplot
