# The startup benchmark's figure: launch to READY per runner (left) and
# where that time goes, phase by phase (right).
#
# bench (runners/plot.c) runs this twice, for PNG and SVG, defining first:
#   datadir   the results folder holding the data files below
#   outfile   the image to write
#   term      "pngcairo" or "svg"
#   runners   runner names, space-separated, in run order
#   nphases   how many phase columns phases.dat has (0: no right panel)
#   logy      1 when the runners differ by more than 20x: log y axis
#   ylo, yhi  the left panel's y range (ms)
#   other     1 when the last phase column is the unattributed rest
#   plottitle, caption
# Data files (text, '#' comments):
#   ready-<runner>.dat   one sample per line, ms
#   summary.dat          index, median ms, max ms, "label"
#   phases.dat           runner, then each phase's share (%) of the median
#   phases-labels.dat    x, y, "label" for the segments wide enough to read

if (!exists("term")) term = "pngcairo"
if (term eq "pngcairo" && strstrt(GPVAL_TERMINALS, "pngcairo") == 0) term = "png"
if (term eq "svg") {
	set terminal svg size 1800,600 dynamic noenhanced font "Sans,12" background "#ffffff"
} else {
	if (term eq "pngcairo") {
		set terminal pngcairo size 1800,600 noenhanced font "Sans,11" background "#ffffff"
	} else {
		set terminal png size 1800,600 noenhanced background "#ffffff"
	}
}
set output outfile

nrunners = words(runners)

# One colour per runner on the left, one per phase on the right.
set linetype 1 lc rgb "#4c72b0" lw 1.5 pt 7 ps 0.5
set linetype 2 lc rgb "#dd8452" lw 1.5 pt 7 ps 0.5
set linetype 3 lc rgb "#55a868" lw 1.5 pt 7 ps 0.5
set linetype 4 lc rgb "#c44e52" lw 1.5 pt 7 ps 0.5
set linetype 5 lc rgb "#8172b3" lw 1.5 pt 7 ps 0.5
set linetype 6 lc rgb "#937860" lw 1.5 pt 7 ps 0.5
set linetype 7 lc rgb "#da8bc3" lw 1.5 pt 7 ps 0.5
set linetype 8 lc rgb "#8c8c8c" lw 1.5 pt 7 ps 0.5
set linetype 9 lc rgb "#ccb974" lw 1.5 pt 7 ps 0.5
# Phases: a palette of their own (linetypes 11..26), distinct from the
# runners' and from each other up to sixteen phases.
array phase_colors[16] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", \
	"#e377c2", "#17becf", "#bcbd22", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", \
	"#c49c94", "#f7b6d2"]
do for [i = 1:16] {
	set linetype (10 + i) lc rgb phase_colors[i] lw 1.5
}
set linetype cycle 9

set border 3 lc rgb "#555555"
set tics nomirror out
set grid ytics lc rgb "#dddddd" lw 1 dt 1
set key noautotitle

if (nphases > 0) {
	set multiplot layout 1,3 title plottitle font ",14" margins 0.06,0.90,0.14,0.88 spacing 0.07,0
} else {
	set multiplot layout 1,2 title plottitle font ",14" margins 0.06,0.97,0.14,0.88 spacing 0.07,0
}
# Drawn with the first plot only, so the SVG holds it once.
set label 1 caption at screen 0.5, 0.035 center font ",10" tc rgb "#444444"

# ---- left: launch to READY ----
set title "launch to READY per runner"
set ylabel "launch to READY (ms)"
set xrange [0.4:nrunners + 0.6]
set xtics () scale 0
do for [i = 1:nrunners] { set xtics add (word(runners, i) i) }
if (logy) {
	set logscale y 10
	set mytics 10
}
set format y "%g"
set yrange [ylo:yhi]
set style boxplot outliers pointtype 7 fraction 0.95
set style data boxplot
set style fill solid 0.3 border
set boxwidth 0.5
# The dots are the runs themselves, spread sideways so they do not hide
# each other; the boxes are quartiles, the whiskers 1.5 IQR.
plot for [i = 1:nrunners] sprintf("%s/ready-%s.dat", datadir, word(runners, i)) \
	using (i):1 with boxplot lt i lw 1.5 pointsize 0, \
     for [i = 1:nrunners] sprintf("%s/ready-%s.dat", datadir, word(runners, i)) \
	using (i + 0.34 + 0.12 * (rand(0) - 0.5)):1 with points lt i pt 7 ps 0.35, \
     sprintf("%s/summary.dat", datadir) using 1:3:4 with labels offset 0,1 font ",11" tc rgb "#222222"

unset logscale y
unset mytics
unset label 1

# ---- middle: the same runs as a cumulative distribution ----
# The box plot hides the shape of the tail; the CDF shows it: how many
# runs of each runner were ready within a given time.
set title "launch to READY, cumulative"
set xlabel "launch to READY (ms)"
set ylabel "share of runs"
set xrange [ylo:yhi]
set yrange [0:1]
set ytics 0,0.25,1
set xtics auto
set format x "%g"
if (logy) {
	set logscale x 10
	set mxtics 10
}
set key bottom right title "runner"
plot for [i = 1:nrunners] sprintf("%s/ready-%s.dat", datadir, word(runners, i)) \
	using 1:(1.0) smooth cnormal with steps lt i lw 2 title word(runners, i)
unset logscale x
unset mxtics
unset xlabel
set key default
set ytics auto

# ---- right: phases ----
if (nphases > 0) {
	set title "where start-up time goes (median per phase)"
	set ylabel "share of median launch to READY (%)"
	set yrange [0:100]
	set ytics 0,20,100
	set xrange [-0.6:nrunners - 0.4]
	set xtics () scale 0
	set style data histograms
	set style histogram rowstacked
	set style fill solid 0.85 border rgb "#ffffff"
	set boxwidth 0.6
	set key outside right top vertical reverse Left samplen 1.5 title "phase"
	# Each phase its own colour (linetypes 11..); the unaccounted rest grey.
	plot for [c = 2:nphases + 1] sprintf("%s/phases.dat", datadir) \
		using c:xtic(1) title columnheader(c) \
		lt ((other && c == nphases + 1) ? 8 : 9 + c), \
	     sprintf("%s/phases-labels.dat", datadir) using 1:2:3 with labels \
		font ",10" tc rgb "#111111" notitle
}

unset multiplot
