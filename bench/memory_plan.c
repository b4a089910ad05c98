/* Sizing `bench run memory` (memory_plan.h). */
#include "memory_plan.h"

#include <stdio.h>
#include <string.h>

/* The chase's ring plus the shuffle order its build needs (8 bytes a
 * 64-byte line): 9/8 of the working set, while it is built. */
static uint64_t chase_need(uint64_t bytes)
{
	return bytes + bytes / 8;
}

/* The chase runs alone (the arrays are freed): it may use --memory less
 * the headroom, and never less than the quarter it always had. */
static uint64_t chase_room(unsigned memory_mib)
{
	uint64_t mem = (uint64_t)memory_mib << 20, head = (uint64_t)MEMORY_HEADROOM_MIB << 20;
	uint64_t room = mem > head ? mem - head : 0;

	return room < mem / 4 ? mem / 4 : room;
}

static uint64_t pow2_below(uint64_t v)
{
	uint64_t p = 1;

	while (p * 2 <= v)
		p *= 2;
	return p;
}

int memory_plan_make(struct memory_plan *p, uint64_t llc, uint64_t l2, unsigned memory_mib, bool given,
		     uint64_t avail_mib)
{
	uint64_t want = llc ? 4 * llc : 64ull << 20, stream, room;
	uint64_t need_mib;

	memset(p, 0, sizeof(*p));
	p->llc = llc;
	p->l2 = l2;
	p->chase_target = MEMORY_CHASE_MIN;
	while (p->chase_target < want)
		p->chase_target *= 2;
	/* STREAM and GUPS keep a quarter of the --memory given (or its
	 * default): a larger default is for the chase alone, whose accesses
	 * are bounded per point, where STREAM's grow with its arrays (a TCG
	 * guest would take minutes). */
	stream = ((uint64_t)memory_mib << 20) / 4;
	p->arrays_capped = want > stream;
	if (p->arrays_capped)
		want = stream;
	if (want < (1ull << 20))
		return -1;
	p->array = want / 3 / 4096 * 4096;
	p->gups = pow2_below(want);
	p->memory_mib = memory_mib;
	need_mib = (chase_need(p->chase_target) >> 20) + MEMORY_HEADROOM_MIB;
	if (!given && avail_mib && chase_need(p->chase_target) > chase_room(memory_mib)) {
		uint64_t cap = avail_mib / 2, use = need_mib < cap ? need_mib : cap;

		if (use > memory_mib) {
			p->memory_mib = (unsigned)use;
			p->memory_raised = true;
		}
	}
	room = chase_room(p->memory_mib);
	p->chase = MEMORY_CHASE_MIN;
	while (p->chase * 2 <= p->chase_target && chase_need(p->chase * 2) <= room)
		p->chase *= 2;
	p->chase_short = p->chase < p->chase_target;
	if (!p->chase_short)
		return 0;
	if (!llc)
		snprintf(p->why, sizeof(p->why), "hwloc reports no last-level cache, so 4x the LLC is unknown");
	else if (given || !avail_mib)
		snprintf(p->why, sizeof(p->why),
			 "--memory %u MiB holds a chase of %llu MiB at most (the ring and its shuffle order, 9/8 of "
			 "it, plus %u MiB headroom); 4x the LLC (%llu MiB) needs --memory %llu",
			 p->memory_mib, (unsigned long long)(p->chase >> 20), MEMORY_HEADROOM_MIB,
			 (unsigned long long)((p->chase_target) >> 20), (unsigned long long)need_mib);
	else
		snprintf(p->why, sizeof(p->why),
			 "half of this host's available memory (%llu of %llu MiB) caps --memory at %u MiB, which "
			 "holds a chase of %llu MiB at most; 4x the LLC (%llu MiB) needs --memory %llu",
			 (unsigned long long)(avail_mib / 2), (unsigned long long)avail_mib, p->memory_mib,
			 (unsigned long long)(p->chase >> 20), (unsigned long long)(p->chase_target >> 20),
			 (unsigned long long)need_mib);
	return 0;
}
