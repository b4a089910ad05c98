# The density benchmark's figure: memory per idle instance (left) and the
# launch storms' time per instance against their size (right).
#
# bench (runners/plot.c) runs this twice, for PNG and SVG, defining first:
#   datadir       the results folder holding the data files below
#   outfile       the image to write
#   term          "pngcairo" or "svg"
#   runners       runners with memory figures, space-separated
#   memcols       the columns of memory.dat that hold a figure, in plot order
#   stormrunners  runners with storms ("" when none)
#   mlo, mhi      the memory axis (MiB, log)
#   slo, shi      the storm axis (ms per instance, log)
#   plottitle, caption
# Data files (text, '#' comments, NaN = not measured):
#   memory.dat          runner, PSS, RSS, cgroup, planning figure, host MemAvailable fall (MiB)
#   storm-<runner>.dat  instances, ms to all READY, ms to all gone, and both per instance

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

set linetype 1 lc rgb "#4c72b0" lw 2 pt 7 ps 0.8
set linetype 2 lc rgb "#dd8452" lw 2 pt 7 ps 0.8
set linetype 3 lc rgb "#55a868" lw 2 pt 7 ps 0.8
set linetype 4 lc rgb "#c44e52" lw 2 pt 7 ps 0.8
set linetype 5 lc rgb "#8172b3" lw 2 pt 7 ps 0.8
set linetype 6 lc rgb "#937860" lw 2 pt 7 ps 0.8
set linetype cycle 6

set border 3 lc rgb "#555555"
set tics nomirror out
set grid ytics lc rgb "#dddddd" lw 1 dt 1

nstorm = words(stormrunners)
if (nstorm > 0) {
	set multiplot layout 1,2 title plottitle font ",14" margins 0.08,0.97,0.16,0.86 spacing 0.09,0
} else {
	set multiplot layout 1,1 title plottitle font ",14" margins 0.08,0.97,0.16,0.86
}
set label 1 caption at screen 0.5, 0.035 center font ",10" tc rgb "#444444"

# ---- left: memory per idle instance ----
set title "memory per idle instance (median)"
set ylabel "MiB per instance (log scale)"
set logscale y 10
set format y "%g"
set yrange [mlo:mhi]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#ffffff"
set boxwidth 0.9
set key top left Left reverse samplen 1.5
# Only the columns some runner has (memcols): gnuplot refuses a histogram
# series without a valid point.
array ctitle[6] = ["", "PSS of its processes", "RSS of its processes", "container cgroup memory", \
	"planning figure", "fall of the host's MemAvailable"]
array clt[6] = [1, 1, 2, 3, 4, 5]
plot for [i = 1:words(memcols)] sprintf("%s/memory.dat", datadir) \
	using (column(int(word(memcols, i)))):xtic(1) title ctitle[int(word(memcols, i))] lt clt[int(word(memcols, i))]
unset label 1

# ---- right: launch storms ----
if (nstorm > 0) {
	set title "launch storms: time per instance vs instances started at once"
	set ylabel "ms per instance (log scale)"
	set xlabel "instances started at once (log scale)"
	set logscale x 2
	set format x "%g"
	set xrange [*:*]
	set yrange [slo:shi]
	set key top right
	plot for [i = 1:nstorm] sprintf("%s/storm-%s.dat", datadir, word(stormrunners, i)) \
		using 1:4 with linespoints lt i title sprintf("%s: to all READY", word(stormrunners, i)), \
	     for [i = 1:nstorm] sprintf("%s/storm-%s.dat", datadir, word(stormrunners, i)) \
		using 1:5 with linespoints lt i dt 2 title sprintf("%s: to all gone", word(stormrunners, i))
}
unset multiplot
